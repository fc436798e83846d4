import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AlertsModule } from '../alerts/alerts.module';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { ProbesModule } from '../probes/probes.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Availability/SLA, alert and overview reports as JSON, CSV and PDF; owns no table. */
@Module({
  imports: [AgentsModule, ProbesModule, ProbeResultsModule, AlertsModule],
  controllers: [ReportsController],
  providers: [ReportsService],
})
export class ReportsModule {}
