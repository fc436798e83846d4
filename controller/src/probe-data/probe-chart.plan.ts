/**
 * Bucket math for charts, as pure functions: which bucket width a range and a point budget
 * give, which table can answer it, and the bucket-aligned window the query covers.
 */

export type ChartSource = 'raw' | 'rollup_1m' | 'rollup_1h';

/** Granularity of each source in seconds (raw rows have none: any width works). */
export const SOURCE_SECONDS: Record<ChartSource, number> = { raw: 0, rollup_1m: 60, rollup_1h: 3600 };

/**
 * Widths a person reads easily on an axis. Every width from 60 s on is a whole number of
 * minutes and every width from 3600 s on a whole number of hours, so a rollup bucket always
 * falls entirely inside one chart bucket and rollups give the same sums as raw rows.
 */
const NICE_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
const DAY = 86400;

export interface ChartPlan {
  /** Start of the first bucket (inclusive). */
  from: Date;
  /** End of the last bucket (exclusive); the last bucket contains the requested `to`. */
  to: Date;
  bucketSeconds: number;
  source: ChartSource;
  /** Number of buckets between from and to: never more than the requested points. */
  buckets: number;
}

/**
 * The smallest readable width that keeps every bucket touching [from, to] within the budget.
 * A window aligned outward can touch one bucket more than range/width, hence `points - 1`.
 */
export function bucketWidth(rangeMs: number, points: number): number {
  const minimum = Math.max(rangeMs, 0) / 1000 / Math.max(points - 1, 1);
  const nice = NICE_WIDTHS.find((w) => w >= minimum);
  return nice ?? Math.ceil(minimum / DAY) * DAY;
}

/** The coarsest source whose granularity divides the bucket: a 30-day chart reads hourly rollups. */
export function sourceFor(bucketSeconds: number): ChartSource {
  if (bucketSeconds >= SOURCE_SECONDS.rollup_1h && bucketSeconds % SOURCE_SECONDS.rollup_1h === 0) return 'rollup_1h';
  if (bucketSeconds >= SOURCE_SECONDS.rollup_1m && bucketSeconds % SOURCE_SECONDS.rollup_1m === 0) return 'rollup_1m';
  return 'raw';
}

/** Buckets are aligned to the Unix epoch (whole days start at 00:00 UTC), not to the request. */
export function planChart(from: Date, to: Date, points: number): ChartPlan {
  const bucketSeconds = bucketWidth(to.getTime() - from.getTime(), points);
  const widthMs = bucketSeconds * 1000;
  const start = Math.floor(from.getTime() / widthMs) * widthMs;
  const end = (Math.floor(to.getTime() / widthMs) + 1) * widthMs;
  return {
    from: new Date(start),
    to: new Date(end),
    bucketSeconds,
    source: sourceFor(bucketSeconds),
    buckets: (end - start) / widthMs,
  };
}

/** Start of every bucket of a plan, in order: the chart's x axis, gaps included. */
export function bucketStarts(plan: Pick<ChartPlan, 'from' | 'to' | 'bucketSeconds'>): number[] {
  const widthMs = plan.bucketSeconds * 1000;
  const starts: number[] = [];
  for (let t = plan.from.getTime(); t < plan.to.getTime(); t += widthMs) starts.push(t);
  return starts;
}

/**
 * Raw rows an overview reads before the rollups are cheaper. Rollup rows carry t-digest states
 * whose merging dominates: on 1,000 one-minute probes a 24-hour overview took 159 ms from raw
 * rows (1.44 M) and 208–418 ms from the rollups, a 72-hour one about the same either way, and a
 * 30-day one 3.2 s raw against 1.3 s from the rollups (BENCHMARKS.md).
 */
export const OVERVIEW_RAW_ROWS_BUDGET = 2_000_000;

/** Raw rows when the probes' expected results over the range fit the budget, else the rollups. */
export function overviewSource(rangeMs: number, intervalsSec: readonly number[]): 'raw' | 'rollup' {
  const expected = intervalsSec.reduce((rows, interval) => rows + rangeMs / 1000 / Math.max(interval, 1), 0);
  return expected <= OVERVIEW_RAW_ROWS_BUDGET ? 'raw' : 'rollup';
}

export interface OverviewWindows {
  /** Whole hours answered from the hourly rollup (empty when start >= end). */
  hours: { start: Date; end: Date };
  /** Minutes before and after the whole hours, answered from the per-minute rollup. */
  minutes: { start: Date; end: Date }[];
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Splits [from, to] (to the minute, the minute of `to` included) into whole hours from the
 * hourly rollup plus the ragged minutes at both ends from the per-minute rollup: exact at minute
 * resolution while reading ~60× fewer rows than the per-minute rollup alone. The trailing
 * minute window is at least an hour long so a probe seen within the last hour has its
 * last-seen time to the minute.
 */
export function overviewWindows(from: Date, to: Date): OverviewWindows {
  const start = Math.floor(from.getTime() / MINUTE_MS) * MINUTE_MS;
  const end = (Math.floor(to.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  const hourStart = Math.ceil(start / HOUR_MS) * HOUR_MS;
  const hourEnd = Math.floor(end / HOUR_MS) * HOUR_MS - HOUR_MS;
  if (hourEnd <= hourStart) {
    return { hours: { start: new Date(end), end: new Date(end) }, minutes: [{ start: new Date(start), end: new Date(end) }] };
  }
  return {
    hours: { start: new Date(hourStart), end: new Date(hourEnd) },
    minutes: [
      { start: new Date(start), end: new Date(hourStart) },
      { start: new Date(hourEnd), end: new Date(end) },
    ],
  };
}
