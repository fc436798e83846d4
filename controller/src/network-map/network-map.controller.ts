import { Controller, Get, Query } from '@nestjs/common';
import type { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { NetworkMapQuery, PathHistoryQuery } from './dto/network-map-query.dto';
import { NetworkMapService } from './network-map.service';
import type { NetworkMapView, PathView } from './network-map.view';

/** GET /workspaces/{id}/network-map: the topology drawn from MTR results, and per-probe path history. */
@Controller('workspaces/:id/network-map')
export class NetworkMapController {
  constructor(private readonly networkMap: NetworkMapService) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  map(@InWorkspace() at: WorkspaceTarget, @Query() q: NetworkMapQuery): Promise<NetworkMapView> {
    return this.networkMap.map(at.user.id, at.workspaceId, q);
  }

  @Get('paths')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  paths(@InWorkspace() at: WorkspaceTarget, @Query() q: PathHistoryQuery): Promise<ListResponse<PathView>> {
    return this.networkMap.paths(at.user.id, at.workspaceId, q);
  }
}
