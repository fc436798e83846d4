import { Controller, Get, Param, Query } from '@nestjs/common';
import { AuthUser, CurrentUser } from '../auth/current-user.decorator';
import { idParam } from '../common/id-param';
import type { ListResponse } from '../common/pagination';
import {
  ByTargetQuery,
  FindProbeDataQuery,
  LatestProbeDataQuery,
  ProbeSeriesQuery,
  SimilarProbesQuery,
} from './dto/probe-data-query.dto';
import { ProbeChartQuery, ProbeOverviewQuery } from './dto/probe-chart-query.dto';
import { ProbeChartService, ProbeOverviewList } from './probe-chart.service';
import type { ProbeChartView } from './probe-chart.view';
import { ProbeDataService, SimilarProbeView } from './probe-data.service';
import type { ProbeDataView } from '../probe-results/stored-result';

@Controller('workspaces/:id/probe-data')
export class ProbeDataController {
  constructor(
    private readonly probeData: ProbeDataService,
    private readonly charts: ProbeChartService,
  ) {}

  @Get('find')
  find(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Query() q: FindProbeDataQuery,
  ): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.find(user.id, workspaceId, q);
  }

  @Get('probes/:probeId/data')
  series(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Param('probeId', idParam('probe id')) probeId: number,
    @Query() q: ProbeSeriesQuery,
  ): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.series(user.id, workspaceId, probeId, q);
  }

  @Get('latest')
  latest(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Query() q: LatestProbeDataQuery,
  ): Promise<ProbeDataView> {
    return this.probeData.latest(user.id, workspaceId, q);
  }

  @Get('by-target/data')
  byTarget(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Query() q: ByTargetQuery,
  ): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.byTarget(user.id, workspaceId, q);
  }

  @Get('probes/:probeId/similar')
  similar(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Param('probeId', idParam('probe id')) probeId: number,
    @Query() q: SimilarProbesQuery,
  ): Promise<ListResponse<SimilarProbeView>> {
    return this.probeData.similar(user.id, workspaceId, probeId, q);
  }

  @Get('probes/:probeId/chart')
  chart(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Param('probeId', idParam('probe id')) probeId: number,
    @Query() q: ProbeChartQuery,
  ): Promise<ProbeChartView> {
    return this.charts.chart(user.id, workspaceId, probeId, q);
  }

  @Get('overview')
  overview(
    @CurrentUser() user: AuthUser,
    @Param('id', idParam('workspace id')) workspaceId: number,
    @Query() q: ProbeOverviewQuery,
  ): Promise<ProbeOverviewList> {
    return this.charts.overview(user.id, workspaceId, q);
  }
}
