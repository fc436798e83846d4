import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AuthModule } from '../auth/auth.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from '../auth/user.entity';
import { IngestModule } from '../ingest/ingest.module';
import { ProbesModule } from '../probes/probes.module';
import { AgentGateway } from './agent.gateway';
import { PanelGateway } from './panel.gateway';

@Module({
  // UserEntity: the panel handshake's user check, until one authenticate function (issue 9 item 6) replaces it.
  imports: [TypeOrmModule.forFeature([UserEntity]), AuthModule, AgentsModule, ProbesModule, IngestModule],
  providers: [AgentGateway, PanelGateway],
})
export class RealtimeModule {}
