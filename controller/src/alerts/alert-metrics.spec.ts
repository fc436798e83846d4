import type { ProbeResult } from '@netwatcher/shared';
import type { RouteCheck } from '../events/domain-events';
import { ALERT_METRICS, isRouteMetric, routeMetricValue } from './alert-metrics';

const result = { type: 'MTR' } as ProbeResult;
const check = (outcome: RouteCheck['outcome'], change: RouteCheck['change'] = null): RouteCheck => ({ workspaceId: 1, agentId: 1, result, outcome, change });

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
