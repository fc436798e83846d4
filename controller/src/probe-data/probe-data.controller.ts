import { Controller, Get, Param, Query } from '@nestjs/common';
import { idParam } from '../common/id-param';
import type { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, WorkspaceTarget } from '../workspaces/workspace-route.decorator';
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

const PROBE = idParam('probe id');

@Controller('workspaces/:id/probe-data')
export class ProbeDataController {
  constructor(
    private readonly probeData: ProbeDataService,
    private readonly charts: ProbeChartService,
  ) {}

  @Get('find')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  find(@InWorkspace() at: WorkspaceTarget, @Query() q: FindProbeDataQuery): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.find(at.user.id, at.workspaceId, q);
  }

  @Get('probes/:probeId/data')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  series(
    @InWorkspace() at: WorkspaceTarget,
    @Param('probeId', PROBE) probeId: number,
    @Query() q: ProbeSeriesQuery,
  ): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.series(at.user.id, at.workspaceId, probeId, q);
  }

  @Get('latest')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  latest(@InWorkspace() at: WorkspaceTarget, @Query() q: LatestProbeDataQuery): Promise<ProbeDataView> {
    return this.probeData.latest(at.user.id, at.workspaceId, q);
  }

  @Get('by-target/data')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  byTarget(@InWorkspace() at: WorkspaceTarget, @Query() q: ByTargetQuery): Promise<ListResponse<ProbeDataView>> {
    return this.probeData.byTarget(at.user.id, at.workspaceId, q);
  }

  @Get('probes/:probeId/similar')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  similar(
    @InWorkspace() at: WorkspaceTarget,
    @Param('probeId', PROBE) probeId: number,
    @Query() q: SimilarProbesQuery,
  ): Promise<ListResponse<SimilarProbeView>> {
    return this.probeData.similar(at.user.id, at.workspaceId, probeId, q);
  }

  @Get('probes/:probeId/chart')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  chart(
    @InWorkspace() at: WorkspaceTarget,
    @Param('probeId', PROBE) probeId: number,
    @Query() q: ProbeChartQuery,
  ): Promise<ProbeChartView> {
    return this.charts.chart(at.user.id, at.workspaceId, probeId, q);
  }

  @Get('overview')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  overview(@InWorkspace() at: WorkspaceTarget, @Query() q: ProbeOverviewQuery): Promise<ProbeOverviewList> {
    return this.charts.overview(at.user.id, at.workspaceId, q);
  }
}
