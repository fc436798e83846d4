import { Controller, Get, Query } from '@nestjs/common';
import type { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { RouteChangesQuery } from './dto/route-changes-query.dto';
import { RouteChangesService } from './route-changes.service';
import type { RouteChangeView } from './route-changes.view';

/** GET /workspaces/{id}/network-map/route-changes: route changes detected on MTR results. */
@Controller('workspaces/:id/network-map/route-changes')
export class RouteChangesController {
  constructor(private readonly routeChanges: RouteChangesService) {}

  @Get()
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() q: RouteChangesQuery): Promise<ListResponse<RouteChangeView>> {
    return this.routeChanges.list(at.user.id, at.workspaceId, q);
  }
}
