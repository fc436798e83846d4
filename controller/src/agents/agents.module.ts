import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProbeResultsModule } from '../probe-results/probe-results.module';
import { AgentAuthController } from './agent-auth.controller';
import { AgentAuthService } from './agent-auth.service';
import { AgentDirectory } from './agent-directory.service';
import { AgentLifecycle } from './agent-lifecycle';
import { AgentPresence } from './agent-presence.service';
import { AgentPskGuard } from './agent-psk.guard';
import { AgentReportsService } from './agent-reports.service';
import { AgentEntity } from './agent.entity';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/**
 * Agents and their enrollment; owns the `agents` table. Exports the PSK check (service and HTTP
 * guard) for the agent API and the Socket.IO gateway, presence writes for the gateway, the
 * read-only AgentDirectory for other features, and AgentLifecycle for work that must share the
 * agent-creating transaction.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AgentEntity]), ProbeResultsModule],
  controllers: [AgentsController, AgentAuthController],
  providers: [AgentsService, AgentReportsService, AgentAuthService, AgentPskGuard, AgentDirectory, AgentLifecycle, AgentPresence],
  exports: [AgentAuthService, AgentPskGuard, AgentsService, AgentDirectory, AgentLifecycle, AgentPresence],
})
export class AgentsModule {}
