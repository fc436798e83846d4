import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AlertsModule } from '../alerts/alerts.module';
import { ProbesModule } from '../probes/probes.module';
import { WorkspaceTransferController } from './workspace-transfer.controller';
import { WorkspaceTransferService } from './workspace-transfer.service';

/** A workspace's configuration out as one sealed file, and back in; owns no table. */
@Module({
  imports: [AgentsModule, ProbesModule, AlertsModule],
  controllers: [WorkspaceTransferController],
  providers: [WorkspaceTransferService],
})
export class WorkspaceTransferModule {}
