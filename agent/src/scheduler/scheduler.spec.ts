import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ProbeConfig, ProbeResult } from '@netwatcher/shared';
import { runCommand } from '../exec/run-command';
import type { ProbeExecutor } from '../probes/probe-executor';
import { Scheduler } from './scheduler';
import { startOffsetMs } from './start-offset';

// Intervals are scaled with msPerSecond so a "1 s" interval takes 50 ms. The scheduling tests run
// on Jest's fake clock (timers and Date.now): exact, independent of machine load, and instant.
// One test keeps the real clock, with a real child process, to prove the timers are the real ones.
const UNIT = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Moves the fake clock forward, running every timer due on the way and the promises they settle. */
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

/** Awaits code that itself waits on timers (stop's grace period), moving the fake clock in small steps. */
async function whileClockRuns<T>(pending: Promise<T>, limitMs = 60_000): Promise<T> {
  let settled = false;
  void pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let spent = 0; !settled; spent += 10) {
    if (spent > limitMs) throw new Error(`still pending after ${limitMs} ms of fake time`);
    await elapse(10);
  }
  return pending;
}

function probe(id: number, over: Partial<ProbeConfig> = {}): ProbeConfig {
  return {
    id, type: 'PING', enabled: true, interval_sec: 1, timeout_sec: 1, count: 1, duration_sec: 0, server: false,
    targets: ['127.0.0.1'], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

function fakeResult(p: ProbeConfig): ProbeResult {
  return { id: randomUUID(), probe_id: p.id, type: 'SYSINFO', created_at: new Date().toISOString(), target: '', target_agent: 0, triggered: false, triggered_reason: '', payload: {} } as unknown as ProbeResult;
}

/** Records every run (start, end, config) and takes `durationMs` per run. */
function fakeExecutor(durationMs = 0) {
  const runs: { id: number; start: number; end?: number; updated_at: string }[] = [];
  let concurrent = 0;
  let maxConcurrentPerProbe = 0;
  const active = new Map<number, number>();
  const executor: ProbeExecutor = {
    supports: (t) => t !== 'SPEEDTEST' && t !== 'TRAFFICSIM',
    budgetMs: () => 60_000,
    async execute(p, signal) {
      const run: { id: number; start: number; end?: number; updated_at: string } = { id: p.id, start: Date.now(), updated_at: p.updated_at };
      runs.push(run);
      active.set(p.id, (active.get(p.id) ?? 0) + 1);
      maxConcurrentPerProbe = Math.max(maxConcurrentPerProbe, active.get(p.id)!);
      concurrent++;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, durationMs);
        signal.addEventListener('abort', () => { clearTimeout(t); resolve(); });
      });
      concurrent--;
      active.set(p.id, active.get(p.id)! - 1);
      run.end = Date.now();
      return signal.aborted ? [] : [fakeResult(p)];
    },
  };
  return { executor, runs, stats: () => ({ concurrent, maxConcurrentPerProbe }) };
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({ write(c: Buffer, _e, cb) { for (const l of c.toString().split('\n')) if (l) lines.push(JSON.parse(l)); cb(); } });
  return { log: pino({ level: 'debug' }, stream), lines };
}

let scheduler: Scheduler | undefined;
let fakeClock = false;
afterEach(async () => {
  const stopping = scheduler?.stop(100);
  // On the fake clock, stop's grace period only passes if the clock is moved.
  await (fakeClock ? whileClockRuns(Promise.resolve(stopping)) : stopping);
  scheduler = undefined;
  jest.useRealTimers();
  fakeClock = false;
});

describe('startOffsetMs', () => {
  it('spreads 100 probes over the window deterministically and respects the cap', () => {
    const offsets = Array.from({ length: 100 }, (_, i) => startOffsetMs(i + 1, 60_000, 15_000));
    expect(offsets.every((o) => o >= 0 && o < 15_000)).toBe(true);
    expect(new Set(offsets).size).toBe(100);
    // Every tenth of the window gets some probes; none gets a burst.
    const buckets = new Array(10).fill(0);
    for (const o of offsets) buckets[Math.floor(o / 1500)]++;
    expect(Math.min(...buckets)).toBeGreaterThan(0);
    expect(Math.max(...buckets)).toBeLessThanOrEqual(20);
    expect(startOffsetMs(42, 60_000, 15_000)).toBe(startOffsetMs(42, 60_000, 15_000));
    expect(startOffsetMs(42, 1000, 15_000)).toBeLessThan(1000);
  });
});

describe('Scheduler', () => {
  describe('on a fake clock', () => {
    beforeEach(() => {
      jest.useFakeTimers();
      fakeClock = true;
    });

    it('runs a probe every interval and hands its results over', async () => {
      const { executor, runs } = fakeExecutor();
      const delivered: ProbeResult[] = [];
      scheduler = new Scheduler({ executor, onResults: async (r) => { delivered.push(...r); }, log: pino({ level: 'silent' }), msPerSecond: UNIT });
      scheduler.apply([probe(1, { interval_sec: 2 })]); // every 100 ms
      await elapse(560);
      expect(runs.length).toBeGreaterThanOrEqual(4);
      expect(runs.length).toBeLessThanOrEqual(6);
      const gaps = runs.slice(1).map((r, i) => r.start - runs[i].start);
      for (const g of gaps) expect(g).toBeGreaterThanOrEqual(80);
      expect(delivered.length).toBe(runs.filter((r) => r.end).length);
    });

    it('never overlaps a probe with itself and counts the skipped ticks', async () => {
      const { executor, runs, stats } = fakeExecutor(3.5 * UNIT);
      scheduler = new Scheduler({ executor, onResults: async () => undefined, log: pino({ level: 'silent' }), msPerSecond: UNIT });
      scheduler.apply([probe(1)]);
      await elapse(12 * UNIT);
      expect(stats().maxConcurrentPerProbe).toBe(1);
      for (let i = 1; i < runs.length; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 1].end!);
      expect(scheduler.stats(1)!.skipped).toBeGreaterThanOrEqual(4);
    });

    it('does not run disabled probes or controller-dispatched types, and logs an unsupported type once per probe', async () => {
      const { executor, runs } = fakeExecutor();
      const { log, lines } = capture();
      scheduler = new Scheduler({ executor, onResults: async () => undefined, log, msPerSecond: UNIT });
      const set = [probe(1, { enabled: false }), probe(2, { type: 'SPEEDTEST' }), probe(3, { type: 'TRAFFICSIM' })];
      scheduler.apply(set);
      scheduler.apply(set);
      await elapse(4 * UNIT);
      expect(runs).toEqual([]);
      const unsupported = lines.filter((l) => l.msg === 'probe type is not supported by this agent version; skipped');
      // SPEEDTEST is started by the controller's queue (run_start), never by the schedule: no warning either.
      expect(unsupported.map((l) => l.probe_id)).toEqual([3]);
    });

    it('reconciles a new set: starts new, stops removed, restarts changed, keeps unchanged', async () => {
      const { executor, runs } = fakeExecutor();
      scheduler = new Scheduler({ executor, onResults: async () => undefined, log: pino({ level: 'silent' }), msPerSecond: UNIT });
      expect(scheduler.apply([probe(1), probe(2), probe(3)])).toEqual({ started: [1, 2, 3], restarted: [], stopped: [], unchanged: [] });
      await elapse(3 * UNIT);
      const changed = probe(2, { updated_at: '2026-02-02T00:00:00.000Z' });
      expect(scheduler.apply([probe(1), changed, probe(4)])).toEqual({ started: [4], restarted: [2], stopped: [3], unchanged: [1] });
      const cut = Date.now();
      await elapse(4 * UNIT);
      const after = runs.filter((r) => r.start > cut);
      expect(after.some((r) => r.id === 3)).toBe(false);
      expect(after.some((r) => r.id === 4)).toBe(true);
      expect(after.filter((r) => r.id === 2).every((r) => r.updated_at === '2026-02-02T00:00:00.000Z')).toBe(true);
      expect(scheduler.apply([])).toMatchObject({ stopped: [1, 2, 4] });
      const emptied = Date.now();
      await elapse(3 * UNIT);
      expect(runs.filter((r) => r.start > emptied)).toEqual([]);
    });

    it('a restart waits for the old config’s run instead of overlapping it', async () => {
      const { executor, stats } = fakeExecutor(4 * UNIT);
      scheduler = new Scheduler({ executor, onResults: async () => undefined, log: pino({ level: 'silent' }), msPerSecond: UNIT });
      scheduler.apply([probe(1)]);
      await elapse(1.5 * UNIT);
      scheduler.apply([probe(1, { updated_at: '2026-03-03T00:00:00.000Z' })]);
      await elapse(8 * UNIT);
      expect(stats().maxConcurrentPerProbe).toBe(1);
    });

    it('stop() waits for running probes and delivers their results', async () => {
      const { executor } = fakeExecutor(300);
      const delivered: ProbeResult[] = [];
      scheduler = new Scheduler({ executor, onResults: async (r) => { delivered.push(...r); }, log: pino({ level: 'silent' }), msPerSecond: 10 });
      scheduler.apply([probe(1, { interval_sec: 100 })]); // first start within 1 s (scaled: ≤ 1000 ms)
      await elapse(startOffsetMs(1, 1000, 15_000) + 50);
      const t0 = Date.now();
      await whileClockRuns(scheduler.stop(5000));
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(delivered).toHaveLength(1);
    });

    it('stop() aborts probes that outlive the grace period', async () => {
      const { executor } = fakeExecutor(30_000);
      const delivered: ProbeResult[] = [];
      scheduler = new Scheduler({ executor, onResults: async (r) => { delivered.push(...r); }, log: pino({ level: 'silent' }), msPerSecond: 10 });
      scheduler.apply([probe(1, { interval_sec: 100 })]);
      await elapse(startOffsetMs(1, 1000, 15_000) + 50);
      const t0 = Date.now();
      await whileClockRuns(scheduler.stop(200));
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(delivered).toEqual([]);
    });
  });

  it('a hung child process is killed at its timeout and the probe keeps running (real process, real clock)', async () => {
    const durations: number[] = [];
    const timedOut: boolean[] = [];
    const executor: ProbeExecutor = {
      supports: () => true,
      budgetMs: () => 60_000,
      async execute(p, signal) {
        const out = await runCommand('sleep', ['30'], { timeoutMs: p.timeout_sec * 1000, signal });
        durations.push(out.durationMs);
        timedOut.push(out.timedOut);
        return [];
      },
    };
    scheduler = new Scheduler({ executor, onResults: async () => undefined, log: pino({ level: 'silent' }) });
    scheduler.apply([probe(5, { interval_sec: 1, timeout_sec: 1 })]);
    await sleep(3300);
    expect(durations.length).toBeGreaterThanOrEqual(2);
    expect(timedOut.every(Boolean)).toBe(true);
    for (const d of durations) {
      expect(d).toBeGreaterThanOrEqual(950);
      expect(d).toBeLessThan(2000);
    }
    expect(scheduler.stats(5)!.runs).toBeGreaterThanOrEqual(2);
  });
});
