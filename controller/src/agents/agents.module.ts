import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ProbesModule } from '../probes/probes.module';
import { AgentAuthController } from './agent-auth.controller';
import { AgentAuthService } from './agent-auth.service';
import { AgentPskGuard } from './agent-psk.guard';
import { AgentReportsService } from './agent-reports.service';
import { AgentsController } from './agents.controller';
import { AgentsService } from './agents.service';

/**
 * Agents and their enrollment. Exports the PSK check (service and HTTP guard) for the agent API
 * and the Socket.IO gateway.
 */
@Module({
  imports: [DatabaseModule, ProbesModule],
  controllers: [AgentsController, AgentAuthController],
  providers: [AgentsService, AgentReportsService, AgentAuthService, AgentPskGuard],
  exports: [AgentAuthService, AgentPskGuard, AgentsService],
})
export class AgentsModule {}
