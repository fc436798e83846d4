import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ProbeChartRepository } from './probe-chart.repository';
import { ProbeChartService } from './probe-chart.service';
import { ProbeDataController } from './probe-data.controller';
import { ProbeDataRepository } from './probe-data.repository';
import { ProbeDataService } from './probe-data.service';

@Module({
  imports: [DatabaseModule],
  controllers: [ProbeDataController],
  providers: [ProbeDataService, ProbeDataRepository, ProbeChartService, ProbeChartRepository],
  exports: [ProbeDataRepository],
})
export class ProbeDataModule {}
