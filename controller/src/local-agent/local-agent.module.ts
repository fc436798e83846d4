import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AuthModule } from '../auth/auth.module';
import { ProbesModule } from '../probes/probes.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { LocalAgentProvisioner } from './local-agent.provisioner';
import { LocalAgentService } from './local-agent.service';

@Module({
  imports: [AuthModule, WorkspacesModule, AgentsModule, ProbesModule],
  providers: [LocalAgentService, LocalAgentProvisioner],
  exports: [LocalAgentService],
})
export class LocalAgentModule {}
