import { waitUntil } from '@netwatcher/shared/testing';
import { KeyedThrottle } from './map-update-throttle';
import { topologyOf } from './map-updates';

describe('KeyedThrottle (real clock)', () => {
  it('runs at once the first time, then merges requests into one run per interval and key', async () => {
    const runs: { key: number; at: number }[] = [];
    const throttle = new KeyedThrottle<number>(300, async (key) => void runs.push({ key, at: Date.now() }));
    const start = Date.now();
    throttle.request(1);
    await waitUntil('the first run', () => runs.length === 1, { everyMs: 5 });
    expect(runs[0].at - start).toBeLessThan(150);
    // Three requests in the quiet time: one run, when it ends.
    throttle.request(1);
    throttle.request(1);
    throttle.request(1);
    // Another key is not held back by the first.
    throttle.request(2);
    await waitUntil('key 2 and the trailing run of key 1', () => runs.length === 3, { everyMs: 5 });
    const [, second, third] = runs;
    expect([second.key, third.key]).toEqual([2, 1]);
    expect(third.at - runs[0].at).toBeGreaterThanOrEqual(290);
    await throttle.stop();
    throttle.request(1);
    expect(runs).toHaveLength(3);
  });

  it('never overlaps two runs of one key', async () => {
    let active = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let count = 0;
    const throttle = new KeyedThrottle<number>(0, async () => {
      active++;
      most = Math.max(most, active);
      count++;
      if (count === 1) await gate;
      active--;
    });
    throttle.request(1);
    await waitUntil('the first run started', () => count === 1, { everyMs: 5 });
    throttle.request(1);
    release();
    await waitUntil('the second run', () => count === 2, { everyMs: 5 });
    expect(most).toBe(1);
    await throttle.stop();
  });
});

describe('topologyOf', () => {
  const node = (id: string) => ({ id });
  it('ignores measurements and order, and sees a new node or edge', () => {
    const a = { nodes: [node('agent:1'), node('hop:10.0.0.1')], edges: [{ from: 'agent:1', to: 'hop:10.0.0.1', latency_ms: 1, loss_pct: 0, paths: 1 }] };
    const sameShape = { nodes: [node('hop:10.0.0.1'), node('agent:1')], edges: [{ from: 'agent:1', to: 'hop:10.0.0.1', latency_ms: 9, loss_pct: 50, paths: 2 }] };
    expect(topologyOf(sameShape)).toBe(topologyOf(a));
    const moreNodes = { ...a, nodes: [...a.nodes, node('dest:10.0.0.2')] };
    expect(topologyOf(moreNodes)).not.toBe(topologyOf(a));
    const otherEdge = { ...a, edges: [{ ...a.edges[0], from: 'hop:10.0.0.1', to: 'agent:1' }] };
    expect(topologyOf(otherEdge)).not.toBe(topologyOf(a));
  });
});
