import { Body, Controller, Get, Put } from '@nestjs/common';
import { AgentTarget, InAgent, WorkspaceRoute } from '../workspaces/workspace-route.decorator';
import { AgentUpdatePolicyService, type UpdatePolicyView } from './agent-update-policy.service';
import { UpdatePolicyDto } from './dto/update-policy.dto';

/** Per-agent self-update: follow the current release (auto), stay put (disabled), or one version (pinned). */
@Controller('workspaces/:id/agents/:agentID/update-policy')
export class AgentUpdatePolicyController {
  constructor(private readonly policies: AgentUpdatePolicyService) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'agents:read')
  get(@InAgent() at: AgentTarget): Promise<UpdatePolicyView> {
    return this.policies.get(at.user.id, at.workspaceId, at.agentId);
  }

  @Put()
  @WorkspaceRoute('ADMIN', 'agents:write')
  set(@InAgent() at: AgentTarget, @Body() dto: UpdatePolicyDto): Promise<UpdatePolicyView> {
    return this.policies.set(at.user.id, at.workspaceId, at.agentId, dto);
  }
}
