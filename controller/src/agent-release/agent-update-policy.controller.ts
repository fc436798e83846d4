import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { idParam } from '../common/id-param';
import { WorkspaceRoute } from '../workspaces/workspace-route.decorator';
import { AgentUpdatePolicyService, type UpdatePolicyView } from './agent-update-policy.service';
import { UpdatePolicyDto } from './dto/update-policy.dto';

const WS = idParam('workspace id');
const AGENT = idParam('agent id');

/** Per-agent self-update: follow the current release (auto), stay put (disabled), or one version (pinned). */
@Controller('workspaces/:id/agents/:agentID/update-policy')
export class AgentUpdatePolicyController {
  constructor(private readonly policies: AgentUpdatePolicyService) {}

  @Get()
  @WorkspaceRoute('USER', 'agents:read')
  get(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<UpdatePolicyView> {
    return this.policies.get(user.id, ws, agentId);
  }

  @Put()
  @WorkspaceRoute('ADMIN', 'agents:write')
  set(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Body() dto: UpdatePolicyDto,
  ): Promise<UpdatePolicyView> {
    return this.policies.set(user.id, ws, agentId, dto);
  }
}
