import type { ProbeType } from '@netwatcher/shared';
import { bucketStarts, ChartPlan, ChartSource } from './probe-chart.plan';
import type { ChartMetrics, OverviewRow, SeriesRow } from '../probe-results/probe-chart.repository';

export interface ChartPointView extends ChartMetrics {
  /** Bucket start, ISO-8601 UTC. */
  bucket: string;
  jitter_ms: number | null;
  /** SPEEDTEST: mean download and upload throughput in the bucket, Mbit/s; null for other types. */
  download_mbps: number | null;
  upload_mbps: number | null;
}

export interface ProbeChartView {
  probe_id: number;
  type: string;
  /** Start of the first bucket and end (exclusive) of the last. */
  from: string;
  to: string;
  bucket_seconds: number;
  source: ChartSource;
  data: ChartPointView[];
}

export interface ProbeOverviewView extends ChartMetrics {
  probe_id: number;
  agent_id: number;
  type: ProbeType;
  targets: string[];
  /**
   * Newest sample in the range: exact from raw rows; from the rollup exact within the range's
   * last hour (its tail is read from raw rows), else to the hour. Null without samples.
   */
  last_seen: string | null;
}

const EMPTY = { samples: 0, loss_pct: null, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, rtt_p95_ms: null, jitter_ms: null, download_mbps: null, upload_mbps: null };

/** Every bucket of the plan is present: a bucket without samples is a gap the chart must show. */
export function toChartView(probeId: number, type: string, plan: ChartPlan, rows: SeriesRow[]): ProbeChartView {
  const byStart = new Map(rows.map((r) => [r.t * 1000, r]));
  return {
    probe_id: probeId,
    type,
    from: plan.from.toISOString(),
    to: plan.to.toISOString(),
    bucket_seconds: plan.bucketSeconds,
    source: plan.source,
    data: bucketStarts(plan).map((t) => {
      const point = byStart.get(t) ?? EMPTY;
      return {
        bucket: new Date(t).toISOString(),
        samples: point.samples,
        loss_pct: point.loss_pct,
        rtt_min_ms: point.rtt_min_ms,
        rtt_avg_ms: point.rtt_avg_ms,
        rtt_max_ms: point.rtt_max_ms,
        rtt_p95_ms: point.rtt_p95_ms,
        jitter_ms: point.jitter_ms,
        download_mbps: point.download_mbps,
        upload_mbps: point.upload_mbps,
      };
    }),
  };
}

export interface OverviewProbe {
  id: number;
  agent_id: number;
  type: ProbeType;
  targets: string[];
}

export function toOverviewView(probe: OverviewProbe, row: OverviewRow | undefined): ProbeOverviewView {
  return {
    probe_id: probe.id,
    agent_id: probe.agent_id,
    type: probe.type,
    targets: probe.targets,
    samples: row?.samples ?? 0,
    loss_pct: row?.loss_pct ?? null,
    rtt_min_ms: row?.rtt_min_ms ?? null,
    rtt_avg_ms: row?.rtt_avg_ms ?? null,
    rtt_max_ms: row?.rtt_max_ms ?? null,
    rtt_p95_ms: row?.rtt_p95_ms ?? null,
    last_seen: row ? new Date(row.last_seen * 1000).toISOString() : null,
  };
}
