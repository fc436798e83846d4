import type { MtrHop } from '@netwatcher/shared';
import type { MtrObservation } from '../probe-results/mtr-paths.repository';
import { findRootCauses, suspectHop } from './root-cause';
import { movedHop, observed, recordedMtr } from './recorded-mtr.fixture';

/** A hop as mtr reports it: [address or null, loss %, avg RTT ms]. */
type H = [string | null, number, number | null];
const hops = (...hs: H[]): MtrHop[] =>
  hs.map(([address, loss_pct, avg_ms], i) => ({ hop: i + 1, address, hostname: null, loss_pct, sent: 10, last_ms: avg_ms, avg_ms, best_ms: avg_ms, worst_ms: avg_ms, stddev_ms: 0 }));

function result(agentId: number, target: string, at: string, hs: MtrHop[], probeId = agentId * 100 + Number(target.split('.').pop())): MtrObservation {
  return { probeId, agentId, target, targetAgent: null, createdAt: new Date(at), hops: hs };
}

// Two agents behind their own edge routers (e1, e2), one core router, two destinations: the
// topology of the netns truth test.
const E1 = '10.233.1.1';
const E2 = '10.233.2.1';
const CORE = '10.233.3.1';
const T1 = '10.233.9.2';
const T2 = '10.233.9.3';
const W = '2026-01-01T00:10:00Z';
const B = '2026-01-01T00:00:00Z';

const clean = (agent: 1 | 2, target: string, at = B) => result(agent, target, at, hops([agent === 1 ? E1 : E2, 0, 0.1], [CORE, 0, 0.2], [target, 0, 0.3]));
const lossyAfterCore = (agent: 1 | 2, target: string, loss = 40) => result(agent, target, W, hops([agent === 1 ? E1 : E2, 0, 0.1], [CORE, 0, 0.2], [target, loss, 0.3]));

describe('suspectHop (the last answering hop before the degradation that lasts to the end)', () => {
  it('names the hop after which loss appears and lasts', () => {
    expect(suspectHop(hops([E1, 0, 1], [CORE, 0, 2], ['x', 30, 3], [T1, 35, 4]), 'loss')).toBe(1);
  });

  it('ignores loss at a router that does not carry on (ICMP rate limiting)', () => {
    expect(suspectHop(hops([E1, 0, 1], [CORE, 60, 2], ['x', 0, 3], [T1, 30, 4]), 'loss')).toBe(2);
  });

  it('skips silent hops in the middle and counts trailing silent hops as lost', () => {
    expect(suspectHop(hops([E1, 0, 1], [null, 100, null], [CORE, 0, 2], [T1, 30, 4]), 'loss')).toBe(2);
    expect(suspectHop(hops([E1, 0, 1], [CORE, 0, 2], [null, 100, null], [null, 100, null]), 'loss')).toBe(1);
    // A silent hop right before lossy ones: the suspect is the last hop that answered.
    expect(suspectHop(hops([E1, 0, 1], [null, 100, null], [T1, 30, 4]), 'loss')).toBe(0);
  });

  it('has no suspect when the first hop is already degraded (the agent’s own link) or the end is clean', () => {
    expect(suspectHop(hops([E1, 20, 1], [CORE, 25, 2], [T1, 30, 4]), 'loss')).toBeNull();
    expect(suspectHop(hops([E1, 0, 1], [CORE, 0, 2], [T1, 0, 4]), 'loss')).toBeNull();
  });

  it('finds a latency step from hop to hop without a baseline, and against the per-address baseline with one', () => {
    expect(suspectHop(hops([E1, 0, 1], [CORE, 0, 2], ['x', 0, 45], [T1, 0, 46]), 'latency')).toBe(1);
    // A long link that was always long (the baseline knows x at 80 ms) is not the onset.
    const baselines = new Map([
      [E1, 1],
      [CORE, 2],
      ['x', 80],
      ['y', 81],
      [T1, 82],
    ]);
    expect(suspectHop(hops([E1, 0, 1], [CORE, 0, 2], ['x', 0, 80], ['y', 0, 130], [T1, 0, 131]), 'latency', baselines)).toBe(2);
  });

  it('reads a recorded payload: loss at the router that carries on to the target has no earlier suspect', () => {
    // partial-loss: 25 % at the first hop, 50 % at the target: degraded from hop 1 on.
    expect(suspectHop(recordedMtr('partial-loss').hops, 'loss')).toBeNull();
    const [router, target] = recordedMtr('partial-loss').hops;
    const clean = { ...router, loss_pct: 0 };
    expect(suspectHop([movedHop(clean, 1), movedHop(target, 2)], 'loss')).toBe(0);
  });
});

describe('findRootCauses', () => {
  it('names the shared router after which four paths of two agents lose packets, with evidence', () => {
    const window = [lossyAfterCore(1, T1, 40), lossyAfterCore(1, T2, 30), lossyAfterCore(2, T1, 50), lossyAfterCore(2, T2, 40)];
    const baseline = [clean(1, T1), clean(1, T2), clean(2, T1), clean(2, T2)];
    const [cause, ...more] = findRootCauses(window, baseline);
    expect(more).toEqual([]);
    expect(cause).toMatchObject({ kind: 'loss', scope: 'hop', ip: CORE, addresses: [CORE], asn: null, paths: 4, probes: 4, agents: 2, targets: 2, degradedPaths: 4, confidence: 1 });
    expect(cause.firstSeen.toISOString()).toBe('2026-01-01T00:10:00.000Z');
    expect(cause.evidence[0]).toEqual({
      probeId: 102, agentId: 1, target: T1, hop: 2, ip: CORE, lossBeforePct: 0, lossAfterPct: 40, rttBeforeMs: 0.2, rttAfterMs: 0.3, baselineLossPct: 0, baselineRttMs: 0.3, at: new Date(W),
    });
    expect(cause.evidence.map((e) => [e.agentId, e.target, e.lossAfterPct])).toEqual([
      [1, T1, 40],
      [1, T2, 30],
      [2, T1, 50],
      [2, T2, 40],
    ]);
  });

  it('does not name an unshared edge router when only one agent’s paths degrade behind it', () => {
    const window = [
      result(1, T1, W, hops([E1, 0, 0.1], [CORE, 30, 0.2], [T1, 30, 0.3])),
      result(1, T2, W, hops([E1, 0, 0.1], [CORE, 30, 0.2], [T2, 35, 0.3])),
      clean(2, T1, W),
      clean(2, T2, W),
    ];
    const [cause] = findRootCauses(window);
    // E1 is where it breaks; healthy paths through CORE do not contradict it (they never cross E1).
    expect(cause).toMatchObject({ ip: E1, paths: 2, agents: 1, confidence: 1 });
  });

  it('lowers the confidence when healthy paths leave the hop the same way', () => {
    const window = [lossyAfterCore(1, T1), lossyAfterCore(2, T1), clean(1, T2, W), result(3, T1, W, hops(['10.233.5.1', 0, 0.1], [CORE, 0, 0.2], [T1, 0, 0.3]))];
    const [cause] = findRootCauses(window);
    // Two explained, the agent-3 path leaves CORE toward T1 as well and is healthy; the path to
    // T2 leaves CORE another way and does not count.
    expect(cause).toMatchObject({ ip: CORE, paths: 2, degradedPaths: 2, confidence: 0.67 });
  });

  it('reports nothing for a single degraded path, for paths degraded from their first hop, and for healthy ones', () => {
    expect(findRootCauses([lossyAfterCore(1, T1), clean(2, T1, W)])).toEqual([]);
    expect(findRootCauses([result(1, T1, W, hops([E1, 40, 1], [T1, 40, 2])), result(2, T1, W, hops([E2, 40, 1], [T1, 40, 2]))])).toEqual([]);
    expect(findRootCauses([clean(1, T1, W), clean(2, T2, W)])).toEqual([]);
    expect(findRootCauses([])).toEqual([]);
  });

  it('does not flag loss the series always had (above its baseline by less than the step)', () => {
    const always = (agent: 1 | 2, at: string) => result(agent, T1, at, hops([agent === 1 ? E1 : E2, 0, 0.1], [CORE, 0, 0.2], [T1, 8, 0.3]));
    expect(findRootCauses([always(1, W), always(2, W)], [always(1, B), always(2, B)])).toEqual([]);
    // Without the baseline the same 8 % is over the 5 % floor.
    expect(findRootCauses([always(1, W), always(2, W)])).toHaveLength(1);
  });

  it('finds a latency root cause against each series’ baseline', () => {
    const slow = (agent: 1 | 2, target: string) => result(agent, target, W, hops([agent === 1 ? E1 : E2, 0, 1], [CORE, 0, 2], ['10.233.7.1', 0, 52], [target, 0, 53]));
    const base = (agent: 1 | 2, target: string) => result(agent, target, B, hops([agent === 1 ? E1 : E2, 0, 1], [CORE, 0, 2], ['10.233.7.1', 0, 2.5], [target, 0, 3]));
    const [cause] = findRootCauses([slow(1, T1), slow(2, T2)], [base(1, T1), base(2, T2)]);
    expect(cause).toMatchObject({ kind: 'latency', ip: CORE, paths: 2, agents: 2 });
    expect(cause.evidence[0]).toMatchObject({ rttBeforeMs: 2, rttAfterMs: 53, baselineRttMs: 3 });
  });

  it('finds two separate causes, the larger first', () => {
    const other = (agent: number, target: string) => result(agent, target, W, hops(['10.9.0.1', 0, 1], ['10.9.0.2', 0, 2], [target, 60, 3]));
    const causes = findRootCauses([lossyAfterCore(1, T1), lossyAfterCore(1, T2), lossyAfterCore(2, T1), other(5, '10.9.9.1'), other(6, '10.9.9.2')]);
    expect(causes.map((c) => [c.ip, c.paths])).toEqual([
      [CORE, 3],
      ['10.9.0.2', 2],
    ]);
  });

  it('groups suspects of one AS when no single address is shared (a provider answering from several routers)', () => {
    const via = (agent: number, target: string, router: string, loss: number) =>
      result(agent, target, W, hops([`10.0.${agent}.1`, 0, 1], [router, 0, 5], [target, loss, 9]));
    const asnOf = (ip: string) => (ip.startsWith('203.0.113.') ? 64500 : null);
    const window = [via(1, T1, '203.0.113.1', 30), via(2, T1, '203.0.113.2', 40), via(3, T2, '203.0.113.1', 50), via(4, T2, '198.51.100.9', 0)];
    // By address alone, 203.0.113.1 explains two paths.
    expect(findRootCauses(window).map((c) => [c.scope, c.ip, c.paths])).toEqual([['hop', '203.0.113.1', 2]]);
    // With a third path behind another router of the same AS, still the address first ...
    const [byHop] = findRootCauses(window, [], asnOf);
    expect(byHop).toMatchObject({ scope: 'hop', ip: '203.0.113.1', paths: 2 });
    // ... and the AS only for what no shared address explains.
    const spread = [via(1, T1, '203.0.113.1', 30), via(2, T1, '203.0.113.2', 40), via(3, T2, '203.0.113.3', 50)];
    expect(findRootCauses(spread)).toEqual([]);
    const [byAs] = findRootCauses(spread, [], asnOf);
    expect(byAs).toMatchObject({ scope: 'as', asn: 64500, ip: '203.0.113.1', addresses: ['203.0.113.1', '203.0.113.2', '203.0.113.3'], paths: 3, agents: 3, confidence: 1 });
    expect(byAs.evidence.map((e) => e.ip)).toEqual(['203.0.113.1', '203.0.113.2', '203.0.113.3']);
  });

  it('uses the newest result of the window for the path and the mean of the window for the verdict', () => {
    const early = result(1, T1, '2026-01-01T00:05:00Z', hops([E1, 0, 1], ['10.0.0.99', 0, 2], [T1, 40, 3]));
    const causes = findRootCauses([early, lossyAfterCore(1, T1), lossyAfterCore(2, T1)].map((o) => ({ ...o, probeId: o.agentId })));
    expect(causes.map((c) => [c.ip, c.paths, c.firstSeen.toISOString()])).toEqual([[CORE, 2, '2026-01-01T00:05:00.000Z']]);
  });

  it('accepts the recorded fixture shape (observed())', () => {
    const a = observed(recordedMtr('two-hops'), W, { agentId: 1, probeId: 1 });
    expect(findRootCauses([a])).toEqual([]);
  });
});
