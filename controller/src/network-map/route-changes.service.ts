import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, LessThanOrEqual, MoreThanOrEqual, Repository } from 'typeorm';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { parseTimeRange } from '../common/time-range';
import { ProbeDirectory } from '../probes/probe-directory.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { RouteChangesQuery } from './dto/route-changes-query.dto';
import type { RouteChangeView } from './route-changes.view';
import { RouteChangeEntity } from './route-history.entities';

function view(row: RouteChangeEntity): RouteChangeView {
  return {
    id: row.id,
    probe_id: row.probeId,
    agent_id: row.agentId,
    target: row.target,
    kind: row.kind,
    detected_at: row.detectedAt.toISOString(),
    before: { hops: row.beforeHops, as_path: row.beforeAsPath },
    after: { hops: row.afterHops, as_path: row.afterAsPath },
    added: row.added,
    removed: row.removed,
  };
}

/** The recorded route changes of a workspace, newest first. */
@Injectable()
export class RouteChangesService {
  constructor(
    @InjectRepository(RouteChangeEntity) private readonly changes: Repository<RouteChangeEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly agents: AgentDirectory,
    private readonly probes: ProbeDirectory,
  ) {}

  async list(userId: number, workspaceId: number, q: RouteChangesQuery): Promise<ListResponse<RouteChangeView>> {
    await this.access.require(userId, workspaceId);
    const range = parseTimeRange(q.from, q.to);
    // A probe or agent of another workspace answers as one that does not exist.
    if (q.probeId !== undefined && !(await this.probes.find(workspaceId, q.probeId))) throw ApiError.notFound('probe');
    if (q.agentId !== undefined) await this.agents.requireAgent(workspaceId, q.agentId);
    const where: FindOptionsWhere<RouteChangeEntity> = { workspaceId };
    if (q.probeId !== undefined) where.probeId = q.probeId;
    if (q.agentId !== undefined) where.agentId = q.agentId;
    if (range.from && range.to) where.detectedAt = Between(range.from, range.to);
    else if (range.from) where.detectedAt = MoreThanOrEqual(range.from);
    else if (range.to) where.detectedAt = LessThanOrEqual(range.to);
    const [rows, total] = await this.changes.findAndCount({ where, order: { detectedAt: 'DESC', id: 'DESC' }, take: q.limit, skip: q.offset });
    return toList(rows.map(view), total, q);
  }
}
