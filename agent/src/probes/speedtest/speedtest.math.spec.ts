import { latencyStats, loadedStats, mbps, planSpeedtest, windowThroughput } from './speedtest.math';

describe('speed-test math', () => {
  it('converts bytes over milliseconds to Mbit/s (10^6 bits per second)', () => {
    expect(mbps(1_250_000, 1_000)).toBe(10);
    expect(mbps(125_000_000, 10_000)).toBe(100);
    expect(mbps(10, 0)).toBe(0);
  });

  it('discards the warm-up: bytes and time before it do not count', () => {
    // 5 MB arrive in a burst during the first 500 ms, then a steady 2.5 MB/s (20 Mbit/s).
    const samples = [
      { atMs: 0, bytes: 0 },
      { atMs: 500, bytes: 5_000_000 },
      { atMs: 1_000, bytes: 6_250_000 },
      { atMs: 2_000, bytes: 8_750_000 },
      { atMs: 3_000, bytes: 11_250_000 },
    ];
    expect(windowThroughput(samples, 1_000)).toEqual({ mbps: 20, bytes: 5_000_000, durationMs: 2_000 });
    // Without the warm-up discarded the burst would inflate the figure.
    expect(windowThroughput(samples, 0)?.mbps).toBeCloseTo(30, 6);
  });

  it('starts the window at the first sample after the warm-up, whatever the sample order', () => {
    const samples = [
      { atMs: 2_100, bytes: 3_000 },
      { atMs: 0, bytes: 0 },
      { atMs: 1_100, bytes: 1_000 },
      { atMs: 900, bytes: 900 },
    ];
    expect(windowThroughput(samples, 1_000)).toEqual({ mbps: mbps(2_000, 1_000), bytes: 2_000, durationMs: 1_000 });
  });

  it('has no throughput when the direction ended before its warm-up did', () => {
    expect(windowThroughput([{ atMs: 0, bytes: 0 }, { atMs: 400, bytes: 100 }], 500)).toBeNull();
    expect(windowThroughput([{ atMs: 600, bytes: 100 }], 500)).toBeNull();
    expect(windowThroughput([], 0)).toBeNull();
  });

  it('computes latency min/avg/max and jitter as the mean absolute difference of consecutive samples', () => {
    expect(latencyStats([10, 14, 12, 20])).toEqual({ min: 10, avg: 14, max: 20, jitter: 4.667 });
    expect(latencyStats([5])).toEqual({ min: 5, avg: 5, max: 5, jitter: null });
    expect(latencyStats([])).toEqual({ min: null, avg: null, max: null, jitter: null });
  });

  it('does not count the step from download to upload latency as jitter under load', () => {
    const s = loadedStats([40, 42, 40], [80, 80, 80]);
    expect(s).toEqual({ min: 40, avg: 60.333, max: 80, jitter: 1 });
    expect(loadedStats([], [])).toEqual({ min: null, avg: null, max: null, jitter: null });
    expect(loadedStats([30], [50])).toEqual({ min: 30, avg: 40, max: 50, jitter: null });
  });

  it('plans 10 s per direction with a 2 s warm-up, shorter when the timeout is short', () => {
    expect(planSpeedtest(120)).toEqual({ directionMs: 10_000, warmupMs: 2_000 });
    expect(planSpeedtest(10)).toEqual({ directionMs: 3_500, warmupMs: 700 });
    expect(planSpeedtest(1)).toEqual({ directionMs: 1_000, warmupMs: 250 });
  });
});
