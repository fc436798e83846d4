import { buildNetworkMap } from './network-map.builder';
import { movedHop, observed, recordedMtr } from './recorded-mtr.fixture';

const NAMES = new Map([
  [1, 'berlin'],
  [2, 'paris'],
]);
const NOW = new Date('2026-01-01T00:00:00Z');

describe('buildNetworkMap on recorded MTR results', () => {
  it('draws agent → router → destination with the RTT added on each edge', () => {
    const map = buildNetworkMap([observed(recordedMtr('two-hops'), '2026-01-01T00:00:00Z')], NAMES, NOW);
    expect(map.generated_at).toBe('2026-01-01T00:00:00.000Z');
    expect(map.nodes.map((n) => [n.id, n.kind, n.label, n.ip, n.private, n.paths])).toEqual([
      ['agent:1', 'agent', 'berlin', null, false, 1],
      ['hop:198.18.41.1', 'hop', '198.18.41.1', '198.18.41.1', true, 1],
      ['dest:198.18.42.2', 'destination', '198.18.42.2', '198.18.42.2', true, 1],
    ]);
    // 0.059 ms to the router, 0.074 ms to the target: 0.015 ms added on the second edge.
    expect(map.edges).toEqual([
      { from: 'agent:1', to: 'hop:198.18.41.1', latency_ms: 0.059, loss_pct: 0, paths: 1 },
      { from: 'hop:198.18.41.1', to: 'dest:198.18.42.2', latency_ms: 0.015, loss_pct: 0, paths: 1 },
    ]);
  });

  it('shares an answering hop between paths and counts the paths on each edge', () => {
    const twoHops = recordedMtr('two-hops');
    const lossy = recordedMtr('partial-loss');
    const map = buildNetworkMap(
      [observed(twoHops, '2026-01-01T00:00:00Z', { agentId: 1, probeId: 1 }), observed(lossy, '2026-01-01T00:00:00Z', { agentId: 2, probeId: 2 })],
      NAMES,
      NOW,
    );
    expect(map.nodes.find((n) => n.id === 'hop:198.18.41.1')?.paths).toBe(2);
    const shared = map.edges.find((e) => e.from === 'hop:198.18.41.1' && e.to === 'dest:198.18.42.2');
    // partial-loss: 0.069 → 0.077 (+0.008); two-hops: +0.015; mean 0.0115. Worst loss at the target: 50 %.
    expect(shared).toMatchObject({ loss_pct: 50, paths: 2 });
    expect(shared?.latency_ms).toBeCloseTo(0.0115, 2);
    expect(map.edges.filter((e) => e.from.startsWith('agent:')).map((e) => [e.from, e.paths])).toEqual([
      ['agent:1', 1],
      ['agent:2', 1],
    ]);
  });

  it('keeps a silent (???) hop as an anonymous node of its own path, never merged across paths', () => {
    const silent = recordedMtr('unknown-hop');
    const map = buildNetworkMap(
      [observed(silent, '2026-01-01T00:00:00Z', { agentId: 1, probeId: 1 }), observed(silent, '2026-01-01T00:00:00Z', { agentId: 2, probeId: 2 })],
      NAMES,
      NOW,
    );
    const anonymous = map.nodes.filter((n) => n.kind === 'anonymous');
    expect(anonymous.map((n) => [n.id, n.label, n.ip, n.paths])).toEqual([
      ['anon:1:1:198.18.42.2:1', '???', null, 1],
      ['anon:2:2:198.18.42.2:1', '???', null, 1],
    ]);
    // No RTT through a hop that never answered; its loss (100 %) is on the edge into it.
    expect(map.edges.find((e) => e.to === 'anon:1:1:198.18.42.2:1')).toEqual({ from: 'agent:1', to: 'anon:1:1:198.18.42.2:1', latency_ms: null, loss_pct: 100, paths: 1 });
    expect(map.edges.find((e) => e.from === 'anon:1:1:198.18.42.2:1')?.latency_ms).toBeNull();
    expect(map.nodes.find((n) => n.id === 'dest:198.18.42.2')?.paths).toBe(2);
  });

  it('draws no self-edge for a loop and counts a path once on an edge it crosses twice', () => {
    const [router, target] = recordedMtr('two-hops').hops;
    // router, router (repeated answer), target, router, target: a routing loop.
    const hops = [movedHop(router, 1), movedHop(router, 2), movedHop(target, 3), movedHop(router, 4), movedHop(target, 5, '198.18.42.9')];
    const map = buildNetworkMap([observed(recordedMtr('two-hops'), '2026-01-01T00:00:00Z', { hops })], NAMES, NOW);
    expect(map.edges.some((e) => e.from === e.to)).toBe(false);
    expect(map.edges.find((e) => e.from === 'hop:198.18.41.1' && e.to === 'hop:198.18.42.2')?.paths).toBe(1);
    expect(map.edges.find((e) => e.from === 'hop:198.18.42.2' && e.to === 'hop:198.18.41.1')).toBeDefined();
    // The last hop is not the target address: the target was not reached, nothing joins it.
    expect(map.edges.some((e) => e.to === 'dest:198.18.42.2')).toBe(false);
    expect(map.nodes.find((n) => n.id === 'dest:198.18.42.2')).toMatchObject({ kind: 'destination', paths: 1 });
  });

  it('floors a negative RTT difference at 0 (a later hop answering faster)', () => {
    const [router, target] = recordedMtr('two-hops').hops;
    const hops = [movedHop({ ...router, avg_ms: 5 }, 1), movedHop({ ...target, avg_ms: 2 }, 2)];
    const map = buildNetworkMap([observed(recordedMtr('two-hops'), '2026-01-01T00:00:00Z', { hops })], NAMES, NOW);
    expect(map.edges.find((e) => e.to === 'dest:198.18.42.2')?.latency_ms).toBe(0);
  });

  it('writes IPv6 hops in canonical form and marks loopback as not public', () => {
    const map = buildNetworkMap([observed(recordedMtr('ipv6'), '2026-01-01T00:00:00Z')], NAMES, NOW);
    expect(map.nodes.find((n) => n.kind === 'destination')).toMatchObject({ id: 'dest:::1', ip: '::1', private: true });
  });

  it('names the destination of an AGENT probe after the peer agent', () => {
    const map = buildNetworkMap([observed(recordedMtr('two-hops'), '2026-01-01T00:00:00Z', { agentId: 1, targetAgent: 2 })], NAMES, NOW);
    expect(map.nodes.find((n) => n.kind === 'destination')).toMatchObject({ id: 'dest:198.18.42.2', label: 'paris', agent_id: 2, ip: '198.18.42.2' });
  });

  it('answers an empty map for no results', () => {
    expect(buildNetworkMap([], NAMES, NOW)).toEqual({ nodes: [], edges: [], generated_at: NOW.toISOString() });
  });
});
