import { bucketStarts, bucketWidth, overviewSource, overviewWindows, planChart, sourceFor } from './probe-chart.plan';

const DAY_MS = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('chart plan', () => {
  it('picks a readable width that keeps the bucket count within the budget', () => {
    expect(bucketWidth(30 * DAY_MS, 300)).toBe(10800);
    expect(bucketWidth(DAY_MS, 300)).toBe(300);
    expect(bucketWidth(3_600_000, 300)).toBe(15);
    expect(bucketWidth(0, 300)).toBe(1);
    expect(bucketWidth(400 * DAY_MS, 100)).toBe(5 * 86400);
  });

  it('reads the coarsest source whose granularity divides the bucket', () => {
    expect(sourceFor(15)).toBe('raw');
    expect(sourceFor(60)).toBe('rollup_1m');
    expect(sourceFor(1800)).toBe('rollup_1m');
    expect(sourceFor(3600)).toBe('rollup_1h');
    expect(sourceFor(10800)).toBe('rollup_1h');
    expect(sourceFor(86400 * 5)).toBe('rollup_1h');
  });

  it('aligns the window to whole buckets and includes the bucket of `to`', () => {
    const plan = planChart(at('2026-03-01T10:07:00Z'), at('2026-03-01T11:07:00Z'), 4);
    expect(plan.bucketSeconds).toBe(1800);
    expect(plan.source).toBe('rollup_1m');
    expect(plan.from.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(plan.to.toISOString()).toBe('2026-03-01T11:30:00.000Z');
    expect(plan.buckets).toBe(3);
    expect(bucketStarts(plan).map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(['10:00', '10:30', '11:00']);
  });

  it('never returns more buckets than points, whatever the alignment', () => {
    for (const points of [2, 3, 7, 300, 1000]) {
      for (const rangeMs of [1, 59_999, 3_600_000, 7 * DAY_MS + 12_345, 30 * DAY_MS, 95 * DAY_MS]) {
        for (const offset of [0, 1, 29_999, 1_234_567]) {
          const from = new Date(Date.UTC(2026, 0, 1) + offset);
          const plan = planChart(from, new Date(from.getTime() + rangeMs), points);
          expect(plan.buckets).toBeLessThanOrEqual(points);
          expect(plan.from.getTime()).toBeLessThanOrEqual(from.getTime());
          expect(plan.to.getTime()).toBeGreaterThan(from.getTime() + rangeMs);
        }
      }
    }
  });

  it('a 30-day, 300-point chart never scans raw rows', () => {
    const to = new Date();
    expect(planChart(new Date(to.getTime() - 30 * DAY_MS), to, 300).source).toBe('rollup_1h');
  });

  it('answers an overview from raw rows while the expected rows fit the budget', () => {
    const minuteProbes = Array.from({ length: 1000 }, () => 60);
    expect(overviewSource(DAY_MS, minuteProbes)).toBe('raw');
    expect(overviewSource(3 * DAY_MS, minuteProbes)).toBe('rollup');
    expect(overviewSource(DAY_MS, Array.from({ length: 1000 }, () => 5))).toBe('rollup');
    expect(overviewSource(30 * DAY_MS, [60, 300])).toBe('raw');
    expect(overviewSource(DAY_MS, [])).toBe('raw');
  });

  it('splits an overview window into whole hours and ragged minutes', () => {
    const w = overviewWindows(at('2026-03-01T10:07:30Z'), at('2026-03-01T15:20:10Z'));
    expect(w.hours.start.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    expect(w.hours.end.toISOString()).toBe('2026-03-01T14:00:00.000Z');
    expect(w.minutes.map((m) => [m.start.toISOString(), m.end.toISOString()])).toEqual([
      ['2026-03-01T10:07:00.000Z', '2026-03-01T11:00:00.000Z'],
      ['2026-03-01T14:00:00.000Z', '2026-03-01T15:21:00.000Z'],
    ]);
  });

  it('answers a short overview window from minutes only', () => {
    const w = overviewWindows(at('2026-03-01T10:07:30Z'), at('2026-03-01T11:20:00Z'));
    expect(w.hours.start.getTime()).toBe(w.hours.end.getTime());
    expect(w.minutes).toEqual([{ start: at('2026-03-01T10:07:00Z'), end: at('2026-03-01T11:21:00Z') }]);
  });
});
