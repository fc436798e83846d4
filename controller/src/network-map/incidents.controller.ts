import { Controller, Get, Query } from '@nestjs/common';
import type { ListResponse } from '../common/pagination';
import { InWorkspace, WorkspaceRoute, type WorkspaceTarget } from '../workspaces/workspace-route.decorator';
import { NetworkMapQuery } from './dto/network-map-query.dto';
import { IncidentsService } from './incidents.service';
import type { IncidentView } from './incidents.view';

/** GET /workspaces/{id}/network-map/incidents: the hops several degraded paths share (root cause). */
@Controller('workspaces/:id/network-map')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get('incidents')
  @WorkspaceRoute('VIEWER', 'probe-data:read')
  list(@InWorkspace() at: WorkspaceTarget, @Query() q: NetworkMapQuery): Promise<ListResponse<IncidentView>> {
    return this.incidents.incidents(at.user.id, at.workspaceId, q);
  }
}
