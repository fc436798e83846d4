import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AuthModule } from '../auth/auth.module';
import { IngestModule } from '../ingest/ingest.module';
import { ProbesModule } from '../probes/probes.module';
import { RunsModule } from '../runs/runs.module';
import { AgentGateway } from './agent.gateway';
import { ConnectedSockets } from './connected-sockets';
import { PanelGateway } from './panel.gateway';

@Module({
  imports: [AuthModule, AgentsModule, ProbesModule, IngestModule, RunsModule],
  providers: [AgentGateway, PanelGateway, ConnectedSockets],
  exports: [ConnectedSockets],
})
export class RealtimeModule {}
