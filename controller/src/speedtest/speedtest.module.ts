import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { SpeedtestController } from './speedtest.controller';
import { SpeedtestService } from './speedtest.service';

/** The endpoints agents run SPEEDTEST probes against; owns no table. */
@Module({
  imports: [AgentsModule],
  controllers: [SpeedtestController],
  providers: [SpeedtestService],
})
export class SpeedtestModule {}
