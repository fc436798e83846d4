import { Injectable } from '@nestjs/common';
import { CHARTABLE_PROBE_TYPES, chartResultTypes, type ProbeType } from '@netwatcher/shared';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { ProbeDirectory } from '../probes/probe-directory.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { ChartResultType, ProbeChartQuery, ProbeOverviewQuery } from './dto/probe-chart-query.dto';
import { expectedRawRows, overviewSource, planChart } from './probe-chart.plan';
import { ProbeChartRepository } from '../probe-results/probe-chart.repository';
import { ROLLED_UP_TYPES } from '../probe-results/rollup-windows';
import { ProbeChartView, ProbeOverviewView, toChartView, toOverviewView } from './probe-chart.view';
import { parseTimeRange } from '../common/time-range';

const DEFAULT_RANGE_MS = 24 * 3_600_000;

export type ProbeOverviewList = ListResponse<ProbeOverviewView> & { from: string; to: string; source: 'raw' | 'rollup' };

/**
 * The result type a probe's chart shows: one the catalogue marks chartable for its type, the
 * first unless asked (an AGENT probe reports PING and MTR: PING unless asked).
 */
function chartType(probeType: ProbeType, requested: ChartResultType | undefined): ChartResultType {
  const chartable = chartResultTypes(probeType);
  const type = requested ?? chartable[0];
  if (type !== undefined && chartable.includes(type)) return type;
  throw ApiError.badRequest(
    chartable.length > 0
      ? `a ${probeType} probe has no ${requested} results`
      : `charts exist for ${CHARTABLE_PROBE_TYPES.join(', ')} probes, not ${probeType}`,
    'not_chartable',
  );
}

/** Both ends optional: `to` defaults to now and `from` to 24 hours before `to`. */
function chartRange(from?: string, to?: string): { from: Date; to: Date } {
  const range = parseTimeRange(from, to);
  const end = range.to ?? new Date();
  const start = range.from ?? new Date(end.getTime() - DEFAULT_RANGE_MS);
  if (start > end) throw ApiError.badRequest('from must not be after to', 'invalid_time');
  return { from: start, to: end };
}

@Injectable()
export class ProbeChartService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly charts: ProbeChartRepository,
    private readonly probes: ProbeDirectory,
  ) {}

  async chart(userId: number, workspaceId: number, probeId: number, q: ProbeChartQuery): Promise<ProbeChartView> {
    await this.access.require(userId, workspaceId);
    const probe = await this.probes.find(workspaceId, probeId);
    if (!probe) throw ApiError.notFound('probe');
    const type = chartType(probe.type, q.type);
    const { from, to } = chartRange(q.from, q.to);
    // One result per interval per target; a target filter leaves one target's.
    const targets = q.target !== undefined ? 1 : probe.targets.length + probe.agent_targets.length;
    const planned = planChart(from, to, q.points, expectedRawRows(to.getTime() - from.getTime(), probe.interval_sec, targets));
    // SPEEDTEST runs hourly at most and has no rollup: its raw rows answer wide buckets too.
    const plan = ROLLED_UP_TYPES.includes(type) ? planned : { ...planned, source: 'raw' as const };
    const rows = await this.charts.series(
      { workspaceId, probeId, type, target: q.target, from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds },
      plan.source,
    );
    return toChartView(probeId, type, plan, rows);
  }

  /**
   * One page of the workspace's chartable probes with their figures over the range: from raw rows
   * while that is cheaper (short ranges, see overviewSource), else from the rollups.
   */
  async overview(userId: number, workspaceId: number, q: ProbeOverviewQuery): Promise<ProbeOverviewList> {
    await this.access.require(userId, workspaceId);
    const { from, to } = chartRange(q.from, q.to);
    const [probes, total] = await this.probes.pageOfTypes(workspaceId, CHARTABLE_PROBE_TYPES, { limit: q.limit, offset: q.offset });
    const source = overviewSource(to.getTime() - from.getTime(), probes.map((p) => p.interval_sec));
    const rows = await this.charts.overview({ workspaceId, probeIds: probes.map((p) => p.id), from, to }, source);
    const byProbeAndType = new Map(rows.map((r) => [`${r.probe_id}:${r.type}`, r]));
    const data = probes.map((p) => toOverviewView(p, byProbeAndType.get(`${p.id}:${chartType(p.type, undefined)}`)));
    return { from: from.toISOString(), to: to.toISOString(), source, ...toList(data, total, q) };
  }
}
