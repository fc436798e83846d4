import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { AgentTarget, InAgent, InProbe, ProbeTarget, WorkspaceRoute } from '../workspaces/workspace-route.decorator';
import { CopyProbesDto, CreateProbeDto, UpdateProbeDto } from './dto/probe.dto';
import { CopyReport, ProbeCopyService } from './probe-copy.service';
import { CreatedProbeView, ProbeView } from './probe.view';
import { ProbesService } from './probes.service';

@Controller('workspaces/:id/agents/:agentID/probes')
export class ProbesController {
  constructor(
    private readonly probes: ProbesService,
    private readonly copier: ProbeCopyService,
  ) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'probes:read')
  list(@InAgent() at: AgentTarget, @Query() page: PageQueryDto): Promise<ListResponse<ProbeView>> {
    return this.probes.list(at.user.id, at.workspaceId, at.agentId, page);
  }

  @Post()
  @WorkspaceRoute('USER', 'probes:write')
  create(@InAgent() at: AgentTarget, @Body() dto: CreateProbeDto): Promise<CreatedProbeView> {
    return this.probes.create(at.user.id, at.workspaceId, at.agentId, dto);
  }

  /** Declared before ':probeID' routes; POST …/copy cannot collide with them anyway (they are GET/PATCH/DELETE). */
  @Post('copy')
  @HttpCode(200)
  @WorkspaceRoute('USER', 'probes:write')
  copy(@InAgent() at: AgentTarget, @Body() dto: CopyProbesDto): Promise<CopyReport> {
    return this.copier.copy(at.user.id, at.workspaceId, at.agentId, dto);
  }

  @Get(':probeID')
  @WorkspaceRoute('VIEWER', 'probes:read')
  get(@InProbe() at: ProbeTarget): Promise<ProbeView> {
    return this.probes.get(at.user.id, at.workspaceId, at.agentId, at.probeId);
  }

  @Patch(':probeID')
  @WorkspaceRoute('USER', 'probes:write')
  update(@InProbe() at: ProbeTarget, @Body() dto: UpdateProbeDto): Promise<ProbeView> {
    return this.probes.update(at.user.id, at.workspaceId, at.agentId, at.probeId, dto);
  }

  @Delete(':probeID')
  @HttpCode(204)
  @WorkspaceRoute('USER', 'probes:write')
  remove(@InProbe() at: ProbeTarget): Promise<void> {
    return this.probes.remove(at.user.id, at.workspaceId, at.agentId, at.probeId);
  }
}
