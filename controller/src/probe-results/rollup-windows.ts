/**
 * Raw rows, or the hourly rollup. There is no per-minute rollup any more (migration 0004): for a
 * once-a-minute probe it held as many rows as the raw table, and its t-digest states were slower
 * to merge than raw rows are to aggregate (BENCHMARKS.md, findings 5 and 6).
 */
export type ChartSource = 'raw' | 'rollup_1h';

/**
 * The result types the hourly rollup holds (the WHERE of its materialized view, migration 0006).
 * Others (SPEEDTEST, hourly at most) are charted from raw rows at any width.
 */
export const ROLLED_UP_TYPES: readonly string[] = ['PING', 'MTR', 'TRAFFICSIM'];

export interface OverviewWindows {
  /** Whole hours answered from the hourly rollup, end exclusive (empty when start = end). */
  hours: { start: Date; end: Date };
  /**
   * The rest of [from, to], answered from raw rows: before the whole hours (end exclusive) and
   * after them (`to` included, as in the raw overview); the head is empty when `from` is on the hour.
   */
  head: { start: Date; end: Date };
  tail: { start: Date; end: Date };
}

const HOUR_MS = 3_600_000;

/**
 * Splits [from, to] into whole hours from the hourly rollup plus the ragged ends from raw rows,
 * so the figures are exact (to the millisecond, like the raw overview) while the rows read stay
 * within three hours' worth per probe. The tail is at least an hour long so a probe seen within
 * the range's last hour has its exact last-seen time.
 */
export function overviewWindows(from: Date, to: Date): OverviewWindows {
  const hourStart = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const hourEnd = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS - HOUR_MS;
  if (hourEnd <= hourStart) {
    return { hours: { start: to, end: to }, head: { start: from, end: from }, tail: { start: from, end: to } };
  }
  return {
    hours: { start: new Date(hourStart), end: new Date(hourEnd) },
    head: { start: from, end: new Date(hourStart) },
    tail: { start: new Date(hourEnd), end: to },
  };
}
