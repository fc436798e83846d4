import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { idParam } from '../common/id-param';
import { ListResponse, PageQueryDto } from '../common/pagination';
import { CopyProbesDto, CreateProbeDto, UpdateProbeDto } from './dto/probe.dto';
import { CopyReport, ProbeCopyService } from './probe-copy.service';
import { CreatedProbeView, ProbeView } from './probe.view';
import { ProbesService } from './probes.service';

const WS = idParam('workspace id');
const AGENT = idParam('agent id');
const PROBE = idParam('probe id');

@Controller('workspaces/:id/agents/:agentID/probes')
export class ProbesController {
  constructor(
    private readonly probes: ProbesService,
    private readonly copier: ProbeCopyService,
  ) {}

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Query() page: PageQueryDto,
  ): Promise<ListResponse<ProbeView>> {
    return this.probes.list(user.id, ws, agentId, page);
  }

  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Body() dto: CreateProbeDto,
  ): Promise<CreatedProbeView> {
    return this.probes.create(user.id, ws, agentId, dto);
  }

  /** Declared before ':probeID' routes; POST …/copy cannot collide with them anyway (they are GET/PATCH/DELETE). */
  @Post('copy')
  @HttpCode(200)
  copy(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Body() dto: CopyProbesDto,
  ): Promise<CopyReport> {
    return this.copier.copy(user.id, ws, agentId, dto);
  }

  @Get(':probeID')
  get(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Param('probeID', PROBE) probeId: number,
  ): Promise<ProbeView> {
    return this.probes.get(user.id, ws, agentId, probeId);
  }

  @Patch(':probeID')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Param('probeID', PROBE) probeId: number,
    @Body() dto: UpdateProbeDto,
  ): Promise<ProbeView> {
    return this.probes.update(user.id, ws, agentId, probeId, dto);
  }

  @Delete(':probeID')
  @HttpCode(204)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', WS) ws: number,
    @Param('agentID', AGENT) agentId: number,
    @Param('probeID', PROBE) probeId: number,
  ): Promise<void> {
    return this.probes.remove(user.id, ws, agentId, probeId);
  }
}
