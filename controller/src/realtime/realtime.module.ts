import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AlertsModule } from '../alerts/alerts.module';
import { AuthModule } from '../auth/auth.module';
import { DatabaseModule } from '../database/database.module';
import { IngestModule } from '../ingest/ingest.module';
import { ProbesModule } from '../probes/probes.module';
import { AgentConfigService } from './agent-config.service';
import { AgentGateway } from './agent.gateway';
import { PanelGateway } from './panel.gateway';

@Module({
  imports: [DatabaseModule, AuthModule, AgentsModule, ProbesModule, IngestModule, AlertsModule],
  providers: [AgentGateway, PanelGateway, AgentConfigService],
})
export class RealtimeModule {}
