import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbeEntity } from '../probes/probe.entity';
import { ProbeChartService } from './probe-chart.service';
import { ProbeDataController } from './probe-data.controller';
import { ProbeDataService } from './probe-data.service';

@Module({
  imports: [ProbeResultsModule, TypeOrmModule.forFeature([ProbeEntity])],
  controllers: [ProbeDataController],
  providers: [ProbeDataService, ProbeChartService],
})
export class ProbeDataModule {}
