import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { AgentTarget, InAgent, InWorkspace, WorkspaceRoute, WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { AgentReportsService, AgentReportView } from './agent-reports.service';
import { AgentView } from './agent.view';
import { AgentsService, CreatedAgent, Heartbeat } from './agents.service';
import { CreateAgentDto, IssuePinDto, UpdateAgentDto } from './dto/agent.dto';

@Controller('workspaces/:id/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly reports: AgentReportsService,
  ) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'agents:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() page: PageQueryDto): Promise<ListResponse<AgentView>> {
    return this.agents.list(at.user.id, at.workspaceId, page);
  }

  @Post()
  @WorkspaceRoute('USER', 'agents:write')
  create(@InWorkspace() at: WorkspaceTarget, @Body() dto: CreateAgentDto): Promise<CreatedAgent> {
    return this.agents.create(at.user.id, at.workspaceId, dto);
  }

  @Get(':agentID')
  @WorkspaceRoute('VIEWER', 'agents:read')
  get(@InAgent() at: AgentTarget): Promise<AgentView> {
    return this.agents.get(at.user.id, at.workspaceId, at.agentId);
  }

  @Patch(':agentID')
  @WorkspaceRoute('USER', 'agents:write')
  update(@InAgent() at: AgentTarget, @Body() dto: UpdateAgentDto): Promise<AgentView> {
    return this.agents.update(at.user.id, at.workspaceId, at.agentId, dto);
  }

  @Delete(':agentID')
  @HttpCode(204)
  @WorkspaceRoute('ADMIN', 'agents:write')
  remove(@InAgent() at: AgentTarget): Promise<void> {
    return this.agents.remove(at.user.id, at.workspaceId, at.agentId);
  }

  @Post(':agentID/heartbeat')
  @HttpCode(200)
  @WorkspaceRoute('USER', 'agents:write')
  heartbeat(@InAgent() at: AgentTarget): Promise<Heartbeat> {
    return this.agents.heartbeat(at.user.id, at.workspaceId, at.agentId);
  }

  @Post(':agentID/issue-pin')
  @HttpCode(200)
  @WorkspaceRoute('ADMIN', 'agents:write')
  issuePin(@InAgent() at: AgentTarget, @Body() dto: IssuePinDto): Promise<{ pin: string }> {
    return this.agents.issuePin(at.user.id, at.workspaceId, at.agentId, dto);
  }

  @Get(':agentID/netinfo')
  @WorkspaceRoute('VIEWER', 'agents:read')
  netinfo(@InAgent() at: AgentTarget): Promise<AgentReportView> {
    return this.reports.latest(at.user.id, at.workspaceId, at.agentId, 'NETINFO');
  }

  @Get(':agentID/sysinfo')
  @WorkspaceRoute('VIEWER', 'agents:read')
  sysinfo(@InAgent() at: AgentTarget): Promise<AgentReportView> {
    return this.reports.latest(at.user.id, at.workspaceId, at.agentId, 'SYSINFO');
  }
}
