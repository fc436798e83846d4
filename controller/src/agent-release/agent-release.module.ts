import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { AgentReleaseController } from './agent-release.controller';
import { AgentReleaseService } from './agent-release.service';
import { AgentUpdatePolicyController } from './agent-update-policy.controller';
import { AgentUpdatePolicyService } from './agent-update-policy.service';
import { ReleaseSigner } from './release-signer';

/**
 * The single-executable agent: served with its checksum and this controller's Ed25519
 * signature, installed by /install.sh, and announced to agents for self-update under a
 * per-agent policy (table agent_update_policies).
 */
@Module({
  imports: [AgentsModule],
  controllers: [AgentReleaseController, AgentUpdatePolicyController],
  providers: [ReleaseSigner, AgentReleaseService, AgentUpdatePolicyService],
})
export class AgentReleaseModule {}
