import { ProbeResult } from '@netwatcher/shared';
import type { RouteCheck } from '../events/domain-events';
import { ALERT_METRICS, isRouteMetric, metricValue, routeMetricValue } from './alert-metrics';

const mtrResult = { type: 'MTR' } as ProbeResult;
const check = (outcome: RouteCheck['outcome'], change: RouteCheck['change'] = null): RouteCheck => ({ workspaceId: 1, agentId: 1, result: mtrResult, outcome, change });

describe('route metrics', () => {
  it('are alert metrics judged on route checks, not on results', () => {
    expect(ALERT_METRICS).toEqual(expect.arrayContaining(['route_change', 'as_path_change']));
    expect(isRouteMetric('route_change')).toBe(true);
    expect(isRouteMetric('packet_loss')).toBe(false);
  });

  it('count a change as 1, anything else as 0, and skip a result that was not judged', () => {
    const hop = check('changed', { id: 1, kind: 'hop_changed', asPathChanged: false });
    const as = check('changed', { id: 2, kind: 'as_path_changed', asPathChanged: true });
    expect([routeMetricValue('route_change', hop), routeMetricValue('as_path_change', hop)]).toEqual([1, 0]);
    expect([routeMetricValue('route_change', as), routeMetricValue('as_path_change', as)]).toEqual([1, 1]);
    for (const outcome of ['first', 'same', 'alternate'] as const) {
      expect([routeMetricValue('route_change', check(outcome)), routeMetricValue('as_path_change', check(outcome))]).toEqual([0, 0]);
    }
    expect(routeMetricValue('route_change', check('stale'))).toBeNull();
  });
});

const envelope = { id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b', probe_id: 7, created_at: '2026-01-01T00:00:00.000Z' };
const direction = { sent: 100, received: 90, loss_pct: 10, rtt_min_ms: 20, rtt_avg_ms: 25, rtt_max_ms: 40, jitter_ms: 2, out_of_order: 0, duplicates: 0, mos: 3.38 };

describe('alert metrics of TRAFFICSIM results', () => {
  const result = ProbeResult.parse({
    ...envelope,
    type: 'TRAFFICSIM',
    payload: {
      target: '10.0.0.2:50505', peer_agent_id: 3, interval_sec: 300, duration_sec: 2, rate_pps: 50, packet_size: 200,
      ...direction, jitter_ms: 1.5, mos: 3.38, upstream: direction, downstream: { ...direction, loss_pct: 0, received: 90, sent: 90, mos: 4.3 },
    },
  });

  it('offers mos among the rule metrics', () => {
    expect(ALERT_METRICS).toContain('mos');
  });

  it('reads the round trip for loss, latency and jitter, and the reported MOS', () => {
    expect(metricValue('packet_loss', result)).toBe(10);
    expect(metricValue('latency', result)).toBe(25);
    expect(metricValue('jitter', result)).toBe(1.5);
    expect(metricValue('mos', result)).toBe(3.38);
    expect(metricValue('latency_p95', result)).toBeNull();
    expect(metricValue('mtr_hop_loss', result)).toBeNull();
  });

  it('finds no MOS in PING and MTR results (null never breaches)', () => {
    const ping = ProbeResult.parse({
      ...envelope, type: 'PING',
      payload: { target: 'x', address: null, sent: 1, received: 1, loss_pct: 0, rtt_min_ms: 1, rtt_avg_ms: 1, rtt_max_ms: 1, rtt_stddev_ms: 0, jitter_ms: 0, rtt_p50_ms: 1, rtt_p95_ms: 1, rtt_p99_ms: 1, rtts_ms: [1] },
    });
    expect(metricValue('mos', ping)).toBeNull();
    expect(metricValue('mos', ProbeResult.parse({ ...envelope, type: 'MTR', payload: { target: 'x', hops: [] } }))).toBeNull();
  });
});
