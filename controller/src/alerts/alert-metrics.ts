import type { MtrHop, ProbeResult } from '@netwatcher/shared';
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

/**
 * The metric's value in one result, or null when that result does not carry it (a SYSINFO
 * result has no loss; a PING with every packet lost has no latency). Null never breaches.
 */
export function metricValue(metric: ResultMetric, result: ProbeResult): number | null {
  if (result.type === 'PING') {
    const p = result.payload;
    switch (metric) {
      case 'packet_loss':
        return p.loss_pct;
      case 'latency':
        return p.rtt_avg_ms;
      case 'latency_p95':
        return p.rtt_p95_ms;
      case 'jitter':
        return p.jitter_ms;
      case 'mtr_hop_loss':
      case 'mos':
      case 'download_mbps':
      case 'upload_mbps':
        return null;
    }
  }
  if (result.type === 'MTR') {
    const hops = result.payload.hops;
    const end = lastHop(hops);
    switch (metric) {
      // End to end: what the destination hop saw.
      case 'packet_loss':
        return end ? end.loss_pct : null;
      case 'latency':
        return end?.avg_ms ?? null;
      case 'latency_p95':
      case 'jitter':
      case 'mos':
      case 'download_mbps':
      case 'upload_mbps':
        return null;
      // The worst answering hop: routers that never answer ("???") are not loss on the path.
      case 'mtr_hop_loss': {
        const answering = hops.filter((h) => h.address !== null);
        return answering.length > 0 ? Math.max(...answering.map((h) => h.loss_pct)) : null;
      }
    }
  }
  if (result.type === 'TRAFFICSIM') {
    // The round trip, as the client saw it; mos is the worse direction's (ITU-T G.107, 1–4.5:
    // a rule watches it with `<`, e.g. mos < 3.6).
    const p = result.payload;
    switch (metric) {
      case 'packet_loss':
        return p.loss_pct;
      case 'latency':
        return p.rtt_avg_ms;
      case 'jitter':
        return p.jitter_ms;
      case 'mos':
        return p.mos;
      case 'latency_p95':
      case 'mtr_hop_loss':
      case 'download_mbps':
      case 'upload_mbps':
        return null;
    }
  }
  // SPEEDTEST: throughput in Mbit/s (a floor: `<`). Its latency is under load, so workspace-wide
  // latency and jitter rules written for PING keep ignoring it.
  if (result.type === 'SPEEDTEST') {
    if (metric === 'download_mbps') return result.payload.download_mbps;
    if (metric === 'upload_mbps') return result.payload.upload_mbps;
  }
  return null;
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
