import { Module } from '@nestjs/common';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { ProbeChartService } from './probe-chart.service';
import { ProbeDataController } from './probe-data.controller';
import { ProbeDataService } from './probe-data.service';

@Module({
  imports: [ProbeResultsModule, ProbesModule],
  controllers: [ProbeDataController],
  providers: [ProbeDataService, ProbeChartService],
})
export class ProbeDataModule {}
