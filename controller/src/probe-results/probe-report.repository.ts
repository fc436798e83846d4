import { Injectable } from '@nestjs/common';
import { toClickHouseSeconds } from '../timeseries/clickhouse-time';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

/** One row of an availability report: a probe's target, a whole probe, an agent or a target. */
export interface SlaFigures {
  /** Results measured in the range. */
  samples: number;
  /** Hours with at least one result. */
  hours_measured: number;
  /** Hours in which not every result lost every packet. */
  hours_up: number;
  /** hours_up / hours_measured, in %; null when nothing was measured. */
  availability_pct: number | null;
  /** Packet loss averaged over every result (each hour weighted by its results), in %. */
  loss_pct: number | null;
  rtt_p50_ms: number | null;
  rtt_p95_ms: number | null;
  rtt_p99_ms: number | null;
  /** Hours whose p95 latency exceeded the target latency, of the hours with a latency. */
  breach_hours: number;
  breach_pct: number | null;
}

export type SlaGrouping = 'probe' | 'agent' | 'target';

export interface SlaFilter {
  workspaceId: number;
  /** The probes to report on, each with its agent (the rollup knows probes, not agents). */
  probes: Array<{ id: number; agentId: number }>;
  /** Whole hours: `from` inclusive, `to` exclusive. */
  from: Date;
  to: Date;
  targetLatencyMs: number;
  groupBy: SlaGrouping;
}

export interface SlaRow extends SlaFigures {
  /** The probe (probe grouping) or agent (agent grouping) id; 0 for target grouping. */
  key: number;
  /** The target (probe and target groupings); '' for agent grouping. */
  target: string;
}

/** Grouping keys over the per-hour rows of the inner query. */
const GROUP_KEYS: Record<SlaGrouping, { key: string; target: string }> = {
  probe: { key: 'probe_id', target: 'target' },
  agent: { key: 'agent_id', target: "''" },
  target: { key: '0', target: 'target' },
};

/**
 * Availability and latency figures from the hourly rollup, computed in ClickHouse: each hour's
 * states are merged once (inner query: loss, samples, p95 of the hour, and a merged digest
 * state, prefixed `hour_` so no outer alias shadows them), then folded per group (outer query). PING, MTR (by its last hop) and TRAFFICSIM (its round trip) results count.
 */
@Injectable()
export class ProbeReportRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  async sla(f: SlaFilter): Promise<SlaRow[]> {
    if (f.probes.length === 0) return [];
    const g = GROUP_KEYS[f.groupBy];
    const rows = await this.store.query<SlaRow>(
      `SELECT ${g.key} AS key, ${g.target} AS target,
              sum(hour_samples) AS samples,
              count() AS hours_measured,
              countIf(hour_loss < 100) AS hours_up,
              if(hours_measured = 0, NULL, round(100 * hours_up / hours_measured, 3)) AS availability_pct,
              if(sumIf(hour_samples, hour_loss IS NOT NULL) = 0, NULL, round(sumIf(hour_loss * hour_samples, hour_loss IS NOT NULL) / sumIf(hour_samples, hour_loss IS NOT NULL), 3)) AS loss_pct,
              quantilesTDigestMerge(0.5, 0.95, 0.99)(hour_digest) AS q,
              if(isNaN(q[1]), NULL, round(q[1], 3)) AS rtt_p50_ms,
              if(isNaN(q[2]), NULL, round(q[2], 3)) AS rtt_p95_ms,
              if(isNaN(q[3]), NULL, round(q[3], 3)) AS rtt_p99_ms,
              countIf(hour_p95 > {targetLatency:Float64}) AS breach_hours,
              if(countIf(NOT isNaN(hour_p95)) = 0, NULL, round(100 * breach_hours / countIf(NOT isNaN(hour_p95)), 3)) AS breach_pct
       FROM (
         SELECT probe_id, transform(probe_id, {probeIds:Array(UInt32)}, {agentIds:Array(UInt32)}, 0) AS agent_id, target, bucket,
                sum(u.samples) AS hour_samples,
                avgMerge(u.loss_avg) AS hour_loss,
                arrayElement(quantilesTDigestMerge(0.5, 0.95, 0.99)(u.rtt_quantiles), 2) AS hour_p95,
                quantilesTDigestMergeState(0.5, 0.95, 0.99)(u.rtt_quantiles) AS hour_digest
         FROM probe_rollup_1h AS u
         WHERE workspace_id = {workspaceId:UInt32} AND probe_id IN {probeIds:Array(UInt32)} AND type IN ('PING', 'MTR', 'TRAFFICSIM')
           AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
         GROUP BY probe_id, target, bucket
       )
       GROUP BY key, target
       ORDER BY key, target`,
      {
        workspaceId: f.workspaceId,
        probeIds: f.probes.map((p) => p.id),
        agentIds: f.probes.map((p) => p.agentId),
        from: toClickHouseSeconds(f.from),
        to: toClickHouseSeconds(f.to),
        targetLatency: f.targetLatencyMs,
      },
    );
    return rows.map(({ q: _q, ...r }: SlaRow & { q?: unknown }) => ({
      ...r,
      key: Number(r.key),
      samples: Number(r.samples),
      hours_measured: Number(r.hours_measured),
      hours_up: Number(r.hours_up),
      breach_hours: Number(r.breach_hours),
    }));
  }
}
