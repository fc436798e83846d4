import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { ProbeDirectory } from '../probes/probe-directory.service';
import type { ProbeView } from '../probes/probe.view';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import {
  ByTargetQuery,
  FindProbeDataQuery,
  LatestProbeDataQuery,
  MAX_ROWS,
  ProbeSeriesQuery,
  SimilarProbesQuery,
} from './dto/probe-data-query.dto';
import { ProbeDataRepository } from '../probe-results/probe-data.repository';
import type { ProbeDataView } from '../probe-results/stored-result';
import { parseTimeRange } from '../common/time-range';

export interface SimilarProbeView {
  probe: ProbeView;
  latest?: ProbeDataView | null;
}

@Injectable()
export class ProbeDataService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly data: ProbeDataRepository,
    private readonly probes: ProbeDirectory,
  ) {}

  async find(userId: number, workspaceId: number, q: FindProbeDataQuery): Promise<ListResponse<ProbeDataView>> {
    await this.access.require(userId, workspaceId);
    const filter = {
      workspaceId,
      type: q.type,
      probeId: q.probeId,
      agentId: q.agentId,
      probeAgentId: q.probeAgentId,
      targetAgent: q.targetAgent,
      targetPrefix: q.targetPrefix,
      triggered: q.triggered,
      ...parseTimeRange(q.from, q.to),
    };
    const [data, total] = await Promise.all([
      this.data.find(filter, { limit: q.limit, offset: q.offset, asc: q.asc }),
      this.data.count(filter),
    ]);
    return toList(data, total, q);
  }

  async series(userId: number, workspaceId: number, probeId: number, q: ProbeSeriesQuery): Promise<ListResponse<ProbeDataView>> {
    await this.access.require(userId, workspaceId);
    await this.requireProbe(workspaceId, probeId);
    const limit = q.limit === 0 ? MAX_ROWS : q.limit;
    const filter = { workspaceId, probeId, ...parseTimeRange(q.from, q.to) };
    const [data, total] = await Promise.all([this.data.find(filter, { limit, asc: q.asc }), this.data.count(filter)]);
    return toList(data, total, { limit, offset: 0 });
  }

  async latest(userId: number, workspaceId: number, q: LatestProbeDataQuery): Promise<ProbeDataView> {
    await this.access.require(userId, workspaceId);
    const [row] = await this.data.find({ workspaceId, type: q.type, probeAgentId: q.agentId, probeId: q.probeId }, { limit: 1 });
    if (!row) throw ApiError.notFound('probe data');
    return row;
  }

  async byTarget(userId: number, workspaceId: number, q: ByTargetQuery): Promise<ListResponse<ProbeDataView>> {
    await this.access.require(userId, workspaceId);
    const filter = { workspaceId, target: q.target, type: q.type, ...parseTimeRange(q.from, q.to) };
    const data = await this.data.find(filter, { limit: q.limit, asc: q.asc, latestPerProbe: q.latestOnly });
    const total = q.latestOnly ? data.length : await this.data.count(filter);
    return toList(data, total, { limit: q.limit, offset: 0 });
  }

  /** Probes of the same workspace that share a host target or a target agent with this one. */
  async similar(userId: number, workspaceId: number, probeId: number, q: SimilarProbesQuery): Promise<ListResponse<SimilarProbeView>> {
    await this.access.require(userId, workspaceId);
    const reference = await this.requireProbe(workspaceId, probeId);
    if (reference.targets.length === 0 && reference.agent_targets.length === 0) {
      return toList(q.includeSelf ? [{ probe: reference }] : [], q.includeSelf ? 1 : 0, { limit: MAX_ROWS, offset: 0 });
    }
    const similar = await this.probes.similarTo(workspaceId, reference, {
      sameType: q.sameType,
      excludeId: q.includeSelf ? undefined : probeId,
      limit: MAX_ROWS,
    });
    if (q.includeSelf && !similar.some((p) => p.id === probeId)) similar.unshift(reference);

    const latestByProbe = new Map<number, ProbeDataView>();
    if (q.latest && similar.length > 0) {
      const rows = await this.data.find(
        { workspaceId, probeIds: similar.map((p) => p.id) },
        { limit: similar.length, latestPerProbe: true },
      );
      for (const row of rows) latestByProbe.set(row.probe_id, row);
    }
    const data = similar.map((p) => ({
      probe: p,
      ...(q.latest ? { latest: latestByProbe.get(p.id) ?? null } : {}),
    }));
    return toList(data, data.length, { limit: MAX_ROWS, offset: 0 });
  }

  private async requireProbe(workspaceId: number, probeId: number): Promise<ProbeView> {
    const probe = await this.probes.find(workspaceId, probeId);
    if (!probe) throw ApiError.notFound('probe');
    return probe;
  }
}
