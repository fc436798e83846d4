import { Injectable } from '@nestjs/common';
import { CHARTABLE_RESULT_TYPES } from '@netwatcher/shared';
import { TimeSeriesStore } from '../timeseries/timeseries.store';
import { toClickHouseSeconds, toClickHouseTime } from '../timeseries/clickhouse-time';
import { ChartSource, overviewWindows, ROLLED_UP_TYPES } from './rollup-windows';

export interface SeriesFilter {
  workspaceId: number;
  probeId: number;
  /** Result type charted: PING, or MTR (end-to-end figures of the last hop). */
  type: string;
  target?: string;
  /** Bucket-aligned window, end exclusive. */
  from: Date;
  to: Date;
  bucketSeconds: number;
}

/** The figures RAW_METRICS and ROLLUP_METRICS select, under the same names from either source. */
export interface ChartMetrics {
  samples: number;
  loss_pct: number | null;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  rtt_p95_ms: number | null;
}

/** One bucket as ClickHouse returns it; `t` is the bucket start in Unix seconds. */
export interface SeriesRow extends ChartMetrics {
  t: number;
  jitter_ms: number | null;
  /** SPEEDTEST throughput, Mbit/s; null for other types and from the rollup (which holds none). */
  download_mbps: number | null;
  upload_mbps: number | null;
}

export interface OverviewFilter {
  workspaceId: number;
  probeIds: number[];
  from: Date;
  to: Date;
}

export interface OverviewRow extends ChartMetrics {
  probe_id: number;
  type: string;
  /** Unix seconds of the newest sample (raw rows) or of the newest hourly bucket with samples. */
  last_seen: number;
}

/**
 * The same figures from either side: aggregates over raw rows, or merges of the rollup states
 * the materialized view wrote. ClickHouse aggregates skip NULL, so a total-loss run (RTT NULL)
 * counts in samples and loss but never pulls min/avg toward 0.
 */
const RAW_METRICS = `count() AS samples,
  avg(r.loss_pct) AS loss_pct,
  min(r.rtt_min_ms) AS rtt_min_ms,
  avg(r.rtt_avg_ms) AS rtt_avg_ms,
  max(r.rtt_max_ms) AS rtt_max_ms,
  quantileTDigest(0.95)(r.rtt_avg_ms) AS rtt_p95_ms`;

// A t-digest state over nothing but NULLs merges to NaN; the chart wants null there.
const P95_STATE = 'arrayElement(quantilesTDigestMerge(0.5, 0.95, 0.99)(u.rtt_quantiles), 2)';
const ROLLUP_METRICS = `sum(u.samples) AS samples,
  avgMerge(u.loss_avg) AS loss_pct,
  min(u.rtt_min) AS rtt_min_ms,
  avgMerge(u.rtt_avg) AS rtt_avg_ms,
  max(u.rtt_max) AS rtt_max_ms,
  if(isNaN(${P95_STATE}), NULL, ${P95_STATE}) AS rtt_p95_ms`;

const ROLLUP_COLUMNS = 'probe_id, type, bucket, samples, loss_avg, rtt_min, rtt_max, rtt_avg, rtt_quantiles';

/**
 * Raw rows folded into the rollup's columns, as the materialized view of 0004 computes them, so
 * they merge with hourly states in one aggregation. `bucket` is the newest sample: exact.
 */
const RAW_AS_ROLLUP_COLUMNS = `probe_id, type, max(created_at) AS bucket, count() AS samples, avgState(loss_pct) AS loss_avg,
  min(rtt_min_ms) AS rtt_min, max(rtt_max_ms) AS rtt_max, avgState(rtt_avg_ms) AS rtt_avg,
  quantilesTDigestState(0.5, 0.95, 0.99)(rtt_avg_ms) AS rtt_quantiles`;

/** Chartable types the hourly rollup holds, and those (SPEEDTEST) an overview reads raw over the whole range. */
const ROLLED_UP_CHART_TYPES = CHARTABLE_RESULT_TYPES.filter((t) => ROLLED_UP_TYPES.includes(t));
const RAW_ONLY_CHART_TYPES = CHARTABLE_RESULT_TYPES.filter((t) => !ROLLED_UP_TYPES.includes(t));

/** Bound parameters take UTC text: with milliseconds for DateTime64(3), without for DateTime. */
const chTime64 = toClickHouseTime;
const chTime = toClickHouseSeconds;

/**
 * Read side for charts and the workspace overview. Every statement filters on the leading
 * sorting-key columns (workspace, probe) and binds every value; table names come from a fixed map.
 */
@Injectable()
export class ProbeChartRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  async series(f: SeriesFilter, source: ChartSource): Promise<SeriesRow[]> {
    const params: Record<string, unknown> = {
      workspaceId: f.workspaceId,
      probeId: f.probeId,
      type: f.type,
      width: f.bucketSeconds,
      from: source === 'raw' ? chTime64(f.from) : chTime(f.from),
      to: source === 'raw' ? chTime64(f.to) : chTime(f.to),
      ...(f.target !== undefined ? { target: f.target } : {}),
    };
    const target = f.target !== undefined ? 'AND target = {target:String}' : '';
    const sql =
      source === 'raw'
        ? `SELECT intDiv(toUnixTimestamp(r.created_at), {width:UInt32}) * {width:UInt32} AS t, ${RAW_METRICS}, avg(r.jitter_ms) AS jitter_ms,
             avg(r.download_mbps) AS download_mbps, avg(r.upload_mbps) AS upload_mbps
           FROM probe_results AS r
           WHERE workspace_id = {workspaceId:UInt32} AND probe_id = {probeId:UInt32} AND type = {type:String} ${target}
             AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
           GROUP BY t ORDER BY t`
        : `SELECT intDiv(toUnixTimestamp(u.bucket), {width:UInt32}) * {width:UInt32} AS t, ${ROLLUP_METRICS}, avgMerge(u.jitter_avg) AS jitter_ms,
             CAST(NULL AS Nullable(Float64)) AS download_mbps, CAST(NULL AS Nullable(Float64)) AS upload_mbps
           FROM probe_rollup_1h AS u
           WHERE workspace_id = {workspaceId:UInt32} AND probe_id = {probeId:UInt32} AND type = {type:String} ${target}
             AND bucket >= {from:DateTime('UTC')} AND bucket < {to:DateTime('UTC')}
           GROUP BY t ORDER BY t`;
    const rows = await this.store.query<SeriesRow>(sql, params);
    return rows.map((r) => ({ ...r, t: Number(r.t), samples: Number(r.samples) }));
  }

  /**
   * Per probe and result type over [from, to]. From the rollup, whole hours come from the hourly
   * table and the ragged ends from raw rows folded into the same states; all are merged together,
   * so the figures are those of the raw rows (p95 within the t-digest's error).
   */
  async overview(f: OverviewFilter, source: 'raw' | 'rollup'): Promise<OverviewRow[]> {
    if (f.probeIds.length === 0) return [];
    const rows = source === 'raw' ? await this.overviewFromRaw(f) : await this.overviewFromRollups(f);
    return rows.map((r) => ({ ...r, probe_id: Number(r.probe_id), samples: Number(r.samples), last_seen: Number(r.last_seen) }));
  }

  private overviewFromRaw(f: OverviewFilter): Promise<OverviewRow[]> {
    return this.store.query<OverviewRow>(
      `SELECT probe_id, type, ${RAW_METRICS}, toUnixTimestamp(max(r.created_at)) AS last_seen
       FROM probe_results AS r
       WHERE workspace_id = {workspaceId:UInt32} AND probe_id IN {probeIds:Array(UInt32)} AND type IN {chartTypes:Array(String)}
         AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at <= {to:DateTime64(3, 'UTC')}
       GROUP BY probe_id, type ORDER BY probe_id, type`,
      { workspaceId: f.workspaceId, probeIds: f.probeIds, chartTypes: CHARTABLE_RESULT_TYPES, from: chTime64(f.from), to: chTime64(f.to) },
    );
  }

  private overviewFromRollups(f: OverviewFilter): Promise<OverviewRow[]> {
    const w = overviewWindows(f.from, f.to);
    const scope = 'workspace_id = {workspaceId:UInt32} AND probe_id IN {probeIds:Array(UInt32)}';
    return this.store.query<OverviewRow>(
      `SELECT u.probe_id AS probe_id, u.type AS type, ${ROLLUP_METRICS}, toUnixTimestamp(max(u.bucket)) AS last_seen
       FROM (
         SELECT ${ROLLUP_COLUMNS} FROM probe_rollup_1h
         WHERE ${scope} AND bucket >= {h0:DateTime('UTC')} AND bucket < {h1:DateTime('UTC')}
         UNION ALL
         SELECT ${RAW_AS_ROLLUP_COLUMNS} FROM probe_results
         WHERE ${scope} AND type IN {chartTypes:Array(String)}
           AND ((created_at >= {e0:DateTime64(3, 'UTC')} AND created_at < {e1:DateTime64(3, 'UTC')})
             OR (created_at >= {e2:DateTime64(3, 'UTC')} AND created_at <= {e3:DateTime64(3, 'UTC')}))
         GROUP BY probe_id, type
         UNION ALL
         SELECT ${RAW_AS_ROLLUP_COLUMNS} FROM probe_results
         WHERE ${scope} AND type IN {rawOnlyTypes:Array(String)}
           AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at <= {to:DateTime64(3, 'UTC')}
         GROUP BY probe_id, type
       ) AS u
       GROUP BY probe_id, type ORDER BY probe_id, type`,
      {
        workspaceId: f.workspaceId,
        probeIds: f.probeIds,
        // Edges only for the types the rollup holds; the others (hourly speed tests) are read raw.
        chartTypes: ROLLED_UP_CHART_TYPES,
        rawOnlyTypes: RAW_ONLY_CHART_TYPES,
        from: chTime64(f.from),
        to: chTime64(f.to),
        h0: chTime(w.hours.start),
        h1: chTime(w.hours.end),
        e0: chTime64(w.head.start),
        e1: chTime64(w.head.end),
        e2: chTime64(w.tail.start),
        e3: chTime64(w.tail.end),
      },
    );
  }
}
