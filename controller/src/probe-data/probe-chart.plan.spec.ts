import {
  bucketStarts,
  bucketWidth,
  CHART_RAW_ROWS_BUDGET,
  expectedRawRows,
  overviewSource,
  overviewWindows,
  planChart,
  sourceFor,
} from './probe-chart.plan';

const DAY_MS = 86_400_000;
const at = (iso: string) => new Date(iso);
/** A once-a-minute probe with one target: its raw rows fit the budget for ranges up to ~2 weeks. */
const minuteProbe = (from: Date, to: Date) => expectedRawRows(to.getTime() - from.getTime(), 60, 1);

describe('chart plan', () => {
  it('picks a readable width that keeps the bucket count within the budget', () => {
    expect(bucketWidth(30 * DAY_MS, 300)).toBe(10800);
    expect(bucketWidth(DAY_MS, 300)).toBe(300);
    expect(bucketWidth(3_600_000, 300)).toBe(15);
    expect(bucketWidth(0, 300)).toBe(1);
    expect(bucketWidth(400 * DAY_MS, 100)).toBe(5 * 86400);
  });

  it('reads the hourly rollup for whole-hour buckets and raw rows for the rest', () => {
    expect(sourceFor(15)).toBe('raw');
    expect(sourceFor(60)).toBe('raw');
    expect(sourceFor(1800)).toBe('raw');
    expect(sourceFor(3600)).toBe('rollup_1h');
    expect(sourceFor(10800)).toBe('rollup_1h');
    expect(sourceFor(86400 * 5)).toBe('rollup_1h');
  });

  it('aligns the window to whole buckets and includes the bucket of `to`', () => {
    const plan = planChart(at('2026-03-01T10:07:00Z'), at('2026-03-01T11:07:00Z'), 4, 60);
    expect(plan.bucketSeconds).toBe(1800);
    expect(plan.source).toBe('raw');
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
          for (const rawRows of [0, CHART_RAW_ROWS_BUDGET + 1]) {
            const plan = planChart(from, new Date(from.getTime() + rangeMs), points, rawRows);
            expect(plan.buckets).toBeLessThanOrEqual(points);
            expect(plan.from.getTime()).toBeLessThanOrEqual(from.getTime());
            expect(plan.to.getTime()).toBeGreaterThan(from.getTime() + rangeMs);
          }
        }
      }
    }
  });

  it('a 30-day, 300-point chart never scans raw rows', () => {
    const to = new Date();
    const from = new Date(to.getTime() - 30 * DAY_MS);
    expect(planChart(from, to, 300, minuteProbe(from, to)).source).toBe('rollup_1h');
    expect(planChart(from, to, 300, 0).source).toBe('rollup_1h');
  });

  it('reads raw rows for sub-hour buckets while the probe rows fit the budget', () => {
    const to = at('2026-03-08T00:00:00Z');
    const day = new Date(to.getTime() - DAY_MS);
    expect(planChart(day, to, 300, minuteProbe(day, to))).toMatchObject({ bucketSeconds: 300, source: 'raw' });
    const sixDays = new Date(to.getTime() - 6 * DAY_MS);
    expect(planChart(sixDays, to, 300, minuteProbe(sixDays, to))).toMatchObject({ bucketSeconds: 1800, source: 'raw' });
  });

  it('widens sub-hour buckets to whole hours from the rollup once the raw rows exceed the budget', () => {
    const to = at('2026-03-08T00:00:00Z');
    const sixDays = new Date(to.getTime() - 6 * DAY_MS);
    // Every 5 s toward 10 targets: 1.04 M rows in 6 days.
    const busy = expectedRawRows(6 * DAY_MS, 5, 10);
    expect(busy).toBe(1_036_800);
    const plan = planChart(sixDays, to, 300, busy);
    expect(plan).toMatchObject({ bucketSeconds: 3600, source: 'rollup_1h', buckets: 145 });
    expect(planChart(sixDays, to, 300, CHART_RAW_ROWS_BUDGET)).toMatchObject({ bucketSeconds: 1800, source: 'raw' });
    expect(planChart(sixDays, to, 300, CHART_RAW_ROWS_BUDGET + 1)).toMatchObject({ bucketSeconds: 3600, source: 'rollup_1h' });
    // 41 days in 2,000 points of 30 minutes would read 59 k rows of a once-a-minute probe.
    const long = new Date(to.getTime() - 41 * DAY_MS);
    expect(planChart(long, to, 2000, minuteProbe(long, to))).toMatchObject({ bucketSeconds: 3600, source: 'rollup_1h', buckets: 985 });
  });

  it('estimates raw rows as one result per interval per target', () => {
    expect(expectedRawRows(DAY_MS, 60, 1)).toBe(1440);
    expect(expectedRawRows(DAY_MS, 60, 3)).toBe(4320);
    expect(expectedRawRows(DAY_MS, 60, 0)).toBe(1440);
    expect(expectedRawRows(-1, 60, 1)).toBe(0);
  });

  it('answers an overview from raw rows while the expected rows fit the budget', () => {
    const minuteProbes = Array.from({ length: 1000 }, () => 60);
    expect(overviewSource(DAY_MS, minuteProbes)).toBe('raw');
    expect(overviewSource(3 * DAY_MS, minuteProbes)).toBe('rollup');
    expect(overviewSource(DAY_MS, Array.from({ length: 1000 }, () => 5))).toBe('rollup');
    expect(overviewSource(30 * DAY_MS, [60, 300])).toBe('raw');
    expect(overviewSource(DAY_MS, [])).toBe('raw');
  });

  it('splits an overview window into whole hours and raw ends, the tail at least an hour long', () => {
    const w = overviewWindows(at('2026-03-01T10:07:30.250Z'), at('2026-03-01T15:20:10.500Z'));
    expect(w).toEqual({
      head: { start: at('2026-03-01T10:07:30.250Z'), end: at('2026-03-01T11:00:00Z') },
      hours: { start: at('2026-03-01T11:00:00Z'), end: at('2026-03-01T14:00:00Z') },
      tail: { start: at('2026-03-01T14:00:00Z'), end: at('2026-03-01T15:20:10.500Z') },
    });
    const onTheHour = overviewWindows(at('2026-03-01T10:00:00Z'), at('2026-03-01T15:00:00Z'));
    expect(onTheHour.head.start.getTime()).toBe(onTheHour.head.end.getTime());
    expect(onTheHour.hours).toEqual({ start: at('2026-03-01T10:00:00Z'), end: at('2026-03-01T14:00:00Z') });
    expect(onTheHour.tail).toEqual({ start: at('2026-03-01T14:00:00Z'), end: at('2026-03-01T15:00:00Z') });
  });

  it('answers a short overview window from raw rows only', () => {
    const w = overviewWindows(at('2026-03-01T10:07:30Z'), at('2026-03-01T11:20:00Z'));
    expect(w.hours.start.getTime()).toBe(w.hours.end.getTime());
    expect(w.head.start.getTime()).toBe(w.head.end.getTime());
    expect(w.tail).toEqual({ start: at('2026-03-01T10:07:30Z'), end: at('2026-03-01T11:20:00Z') });
  });
});
