import { Body, Controller, Delete, Get, HttpCode, Inject, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { controllerBaseUrl, installCommand } from './controller-url';
import { ListResponse, PageQueryDto } from '../common/pagination';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'agents:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() page: PageQueryDto): Promise<ListResponse<AgentView>> {
    return this.agents.list(at.user.id, at.workspaceId, page);
  }

  @Post()
  @WorkspaceRoute('USER', 'agents:write')
  async create(@InWorkspace() at: WorkspaceTarget, @Req() req: Request, @Body() dto: CreateAgentDto): Promise<CreatedAgent & { install_command: string }> {
    // Checked first: a Host that cannot go into a shell command must not leave an agent behind.
    const base = controllerBaseUrl(req, this.config.agentRelease.publicUrl);
    const created = await this.agents.create(at.user.id, at.workspaceId, dto);
    return { ...created, install_command: installCommand(base, at.workspaceId, created.agent.id, created.pin) };
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
