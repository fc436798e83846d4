/**
 * Bucket math for charts, as pure functions: which bucket width a range and a point budget
 * give, which table can answer it, and the bucket-aligned window the query covers.
 */
import type { ChartSource } from '../probe-results/rollup-windows';

// The table layout (which source, which windows of it) belongs to probe-results; the plan uses it.
export { overviewWindows, type ChartSource, type OverviewWindows } from '../probe-results/rollup-windows';

const HOUR_SECONDS = 3600;

/**
 * Widths a person reads easily on an axis. Every width from 3600 s on is a whole number of
 * hours, so an hourly rollup bucket always falls entirely inside one chart bucket and the rollup
 * gives the same sums as raw rows.
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

/** The hourly rollup answers whole-hour buckets (a 30-day chart); raw rows answer the rest. */
export function sourceFor(bucketSeconds: number): ChartSource {
  return bucketSeconds >= HOUR_SECONDS && bucketSeconds % HOUR_SECONDS === 0 ? 'rollup_1h' : 'raw';
}

/**
 * Raw rows a chart reads at most. Within it a sub-hour chart reads raw rows; beyond it the
 * buckets widen to whole hours and the hourly rollup answers (fewer points than asked, never
 * more). On the 43 M-row dataset one probe's chart from raw rows took 15 ms for a day (1,440
 * rows), 31 ms for 6 days and 82 ms for 30 days (medians, BENCHMARKS.md): ~12 ms plus ~1.6 ms per
 * 1,000 rows, so the budget keeps a raw chart under ~45 ms. A once-a-minute probe fits it for
 * ~2 weeks; a 300-point chart reads raw rows for at most 6.2 days (30-minute buckets).
 */
export const CHART_RAW_ROWS_BUDGET = 20_000;

/** Results a probe produces over a range: one per interval per target. */
export function expectedRawRows(rangeMs: number, intervalSec: number, targets: number): number {
  return (Math.max(rangeMs, 0) / 1000 / Math.max(intervalSec, 1)) * Math.max(targets, 1);
}

/**
 * Buckets are aligned to the Unix epoch (whole days start at 00:00 UTC), not to the request.
 * `rawRows` is what the charted probe is expected to have in the range (expectedRawRows).
 */
export function planChart(from: Date, to: Date, points: number, rawRows: number): ChartPlan {
  const width = bucketWidth(to.getTime() - from.getTime(), points);
  // A width under an hour fits the points, so one hour fits them too.
  const bucketSeconds = width < HOUR_SECONDS && rawRows > CHART_RAW_ROWS_BUDGET ? HOUR_SECONDS : width;
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

