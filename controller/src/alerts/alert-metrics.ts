import type { MtrHop, ProbeResult, ResultType } from '@netwatcher/shared';
import type { RouteCheck } from '../events/domain-events';

/**
 * What a rule can watch, in the units the payloads use (ms, loss 0–100 %). Result metrics are
 * read from each stored result; `agent_offline` (seconds since the agent was last heard from)
 * is measured by a periodic sweep instead, as an offline agent sends nothing to evaluate.
 */
export const RESULT_METRICS = ['packet_loss', 'latency', 'latency_p95', 'jitter', 'mtr_hop_loss', 'mos', 'download_mbps', 'upload_mbps'] as const;
/**
 * Judged on each MTR result by the network map's route history (`route.checked`): 1 when that
 * result showed a route change (any, or one of the AS path), else 0, so `> 0` fires on a change
 * and clears on the next result without one.
 */
export const ROUTE_METRICS = ['route_change', 'as_path_change'] as const;
export const ALERT_METRICS = [...RESULT_METRICS, ...ROUTE_METRICS, 'agent_offline'] as const;
export type ResultMetric = (typeof RESULT_METRICS)[number];
export type RouteMetric = (typeof ROUTE_METRICS)[number];
export type AlertMetric = (typeof ALERT_METRICS)[number];

export function isAlertMetric(value: unknown): value is AlertMetric {
  return typeof value === 'string' && (ALERT_METRICS as readonly string[]).includes(value);
}

/** The destination's hop: the last one that answered, else the last listed. */
function lastHop(hops: readonly MtrHop[]): MtrHop | undefined {
  return hops[hops.length - 1];
}

type PayloadOf<T extends ResultType> = Extract<ProbeResult, { type: T }>['payload'];
/** How each result type yields the metrics it carries; a metric a type does not list is null for it. */
type MetricReaders = { [T in ResultType]?: Partial<Record<ResultMetric, (payload: PayloadOf<T>) => number | null>> };

const READERS: MetricReaders = {
  PING: {
    packet_loss: (p) => p.loss_pct,
    latency: (p) => p.rtt_avg_ms,
    latency_p95: (p) => p.rtt_p95_ms,
    jitter: (p) => p.jitter_ms,
  },
  MTR: {
    // End to end: what the destination hop saw.
    packet_loss: (p) => lastHop(p.hops)?.loss_pct ?? null,
    latency: (p) => lastHop(p.hops)?.avg_ms ?? null,
    // The worst answering hop: routers that never answer ("???") are not loss on the path.
    mtr_hop_loss: (p) => {
      const answering = p.hops.filter((h) => h.address !== null);
      return answering.length > 0 ? Math.max(...answering.map((h) => h.loss_pct)) : null;
    },
  },
  // The round trip, as the client saw it; mos is the worse direction's (ITU-T G.107, 1–4.5:
  // a rule watches it with `<`, e.g. mos < 3.6).
  TRAFFICSIM: {
    packet_loss: (p) => p.loss_pct,
    latency: (p) => p.rtt_avg_ms,
    jitter: (p) => p.jitter_ms,
    mos: (p) => p.mos,
  },
  // Throughput in Mbit/s (a floor: `<`). Its latency is under load, so workspace-wide latency and
  // jitter rules written for PING keep ignoring it.
  SPEEDTEST: {
    download_mbps: (p) => p.download_mbps,
    upload_mbps: (p) => p.upload_mbps,
  },
};

/**
 * The metric's value in one result, or null when that result does not carry it (a SYSINFO
 * result has no loss; a PING with every packet lost has no latency). Null never breaches.
 */
export function metricValue(metric: ResultMetric, result: ProbeResult): number | null {
  // READERS ties each type to its own payload; the result's type picks the matching reader.
  const read = READERS[result.type]?.[metric] as ((payload: ProbeResult['payload']) => number | null) | undefined;
  return read ? read(result.payload) : null;
}

export function isRouteMetric(value: string): value is RouteMetric {
  return (ROUTE_METRICS as readonly string[]).includes(value);
}

/** A route metric's value for one judged result; null for a late result that was not judged. */
export function routeMetricValue(metric: RouteMetric, check: RouteCheck): number | null {
  if (check.outcome === 'stale') return null;
  if (metric === 'route_change') return check.change ? 1 : 0;
  return check.change?.asPathChanged ? 1 : 0;
}
