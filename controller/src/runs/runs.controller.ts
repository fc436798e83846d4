import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { idParam } from '../common/id-param';
import { AgentTarget, InAgent, WorkspaceRoute } from '../workspaces/workspace-route.decorator';
import { CreateRunDto } from './dto/run.dto';
import { CreatedRunView, RunView } from './run.view';
import { RunsService } from './runs.service';

/** On-demand runs of one agent: as editing probes to start one, as reading probes to read it. */
@Controller('workspaces/:id/agents/:agentID/runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  @Post()
  @WorkspaceRoute('USER', 'probes:write')
  create(@InAgent() at: AgentTarget, @Body() dto: CreateRunDto): Promise<CreatedRunView> {
    return this.runs.create(at.user.id, at.workspaceId, at.agentId, dto);
  }

  @Get(':runID')
  @WorkspaceRoute('VIEWER', 'probes:read')
  get(@InAgent() at: AgentTarget, @Param('runID', idParam('run id')) runId: number): Promise<RunView> {
    return this.runs.get(at.user.id, at.workspaceId, at.agentId, runId);
  }
}
