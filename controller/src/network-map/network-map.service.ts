import { Injectable } from '@nestjs/common';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { parseTimeRange } from '../common/time-range';
import { MtrPathsRepository } from '../probe-results/mtr-paths.repository';
import { ProbeDirectory } from '../probes/probe-directory.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { NetworkMapQuery, PathHistoryQuery } from './dto/network-map-query.dto';
import { AsPaths } from './as-paths';
import { HopEnricher } from './hop-enricher';
import { buildNetworkMap } from './network-map.builder';
import type { NetworkMapView, PathView } from './network-map.view';
import { distinctPaths } from './path-history';

/** Without `from`, the map shows the paths measured in the last day. */
const DEFAULT_MAP_WINDOW_MS = 86_400_000;

@Injectable()
export class NetworkMapService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly agents: AgentDirectory,
    private readonly probes: ProbeDirectory,
    private readonly mtr: MtrPathsRepository,
    private readonly enricher: HopEnricher,
    private readonly asPaths: AsPaths,
  ) {}

  /** The topology of the newest MTR result of each (probe, target) in the range. */
  async map(userId: number, workspaceId: number, q: NetworkMapQuery): Promise<NetworkMapView> {
    await this.access.require(userId, workspaceId);
    if (q.agentId !== undefined) await this.agents.requireAgent(workspaceId, q.agentId);
    return this.build(workspaceId, { ...parseTimeRange(q.from, q.to), agentId: q.agentId });
  }

  /** The map of a workspace without an access check (the live `network_map_update` uses it: the default range, every agent). */
  async build(workspaceId: number, range: { from?: Date; to?: Date; agentId?: number } = {}): Promise<NetworkMapView> {
    const now = new Date();
    const from = range.from ?? new Date((range.to ?? now).getTime() - DEFAULT_MAP_WINDOW_MS);
    const results = await this.mtr.latestPerPath(workspaceId, { from, to: range.to, agentId: range.agentId });
    // Results of agents deleted since are not drawn: the map shows the workspace as it is.
    const agents = await this.agents.summaries(workspaceId, [
      ...new Set(results.flatMap((r) => (r.targetAgent === null ? [r.agentId] : [r.agentId, r.targetAgent]))),
    ]);
    const names = new Map(agents.map((a) => [a.id, a.name]));
    const map = buildNetworkMap(
      results.filter((r) => names.has(r.agentId)),
      names,
      now,
    );
    await this.enricher.enrich(map.nodes);
    return map;
  }

  /** The distinct hop sequences one probe saw towards one target, oldest first. */
  async paths(userId: number, workspaceId: number, q: PathHistoryQuery): Promise<ListResponse<PathView>> {
    await this.access.require(userId, workspaceId);
    const probe = await this.probes.find(workspaceId, q.probeId);
    if (!probe) throw ApiError.notFound('probe');
    const results = await this.mtr.history(workspaceId, q.probeId, q.target, parseTimeRange(q.from, q.to));
    const paths: PathView[] = [];
    for (const p of distinctPaths(results)) paths.push({ ...p, as_path: await this.asPaths.of(p.hops) });
    // One unpaged list: a probe and target have few distinct paths, and the results read are bounded.
    return toList(paths, paths.length, { limit: paths.length, offset: 0 });
  }
}
