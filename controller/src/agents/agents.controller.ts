import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { controllerBaseUrl, installCommand } from '../agent-release/controller-url';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { idParam } from '../common/id-param';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AgentReportsService, AgentReportView } from './agent-reports.service';
import { AgentView } from './agent.view';
import { AgentsService, CreatedAgent, Heartbeat } from './agents.service';
import { CreateAgentDto, IssuePinDto, UpdateAgentDto } from './dto/agent.dto';

const WS = idParam('workspace id');
const AGENT = idParam('agent id');

@Controller('workspaces/:id/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly reports: AgentReportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Query() page: PageQueryDto): Promise<ListResponse<AgentView>> {
    return this.agents.list(user.id, ws, page);
  }

  @Post()
  async create(
    @CurrentUser() user: AuthUser,
    @Req() req: Request,
    @Param('id', WS) ws: number,
    @Body() dto: CreateAgentDto,
  ): Promise<CreatedAgent & { install_command: string }> {
    // Checked first: a Host that cannot go into a shell command must not leave an agent behind.
    const base = controllerBaseUrl(req, this.config.agentRelease.publicUrl);
    const created = await this.agents.create(user.id, ws, dto);
    return { ...created, install_command: installCommand(base, ws, created.agent.id, created.pin) };
  }

  @Get(':agentID')
  get(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<AgentView> {
    return this.agents.get(user.id, ws, agentId);
  }

  @Patch(':agentID')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Body() dto: UpdateAgentDto,
  ): Promise<AgentView> {
    return this.agents.update(user.id, ws, agentId, dto);
  }

  @Delete(':agentID')
  @HttpCode(204)
  remove(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<void> {
    return this.agents.remove(user.id, ws, agentId);
  }

  @Post(':agentID/heartbeat')
  @HttpCode(200)
  heartbeat(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<Heartbeat> {
    return this.agents.heartbeat(user.id, ws, agentId);
  }

  @Post(':agentID/issue-pin')
  @HttpCode(200)
  issuePin(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Body() dto: IssuePinDto,
  ): Promise<{ pin: string }> {
    return this.agents.issuePin(user.id, ws, agentId, dto);
  }

  @Get(':agentID/netinfo')
  netinfo(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<AgentReportView> {
    return this.reports.latest(user.id, ws, agentId, 'NETINFO');
  }

  @Get(':agentID/sysinfo')
  sysinfo(@CurrentUser() user: AuthUser, @Param('id', WS) ws: number, @Param('agentID', AGENT) agentId: number): Promise<AgentReportView> {
    return this.reports.latest(user.id, ws, agentId, 'SYSINFO');
  }
}
