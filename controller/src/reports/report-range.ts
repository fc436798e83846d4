import { ApiError } from '../common/api-error';
import { parseTimeRange } from '../common/time-range';

const HOUR_MS = 3_600_000;
const DEFAULT_DAYS = 30;
/** The hourly rollup keeps about three years; a longer report would only read empty hours. */
const MAX_DAYS = 1100;

/**
 * A report covers whole hours (the rollup's grain): `from` rounded down, `to` rounded up.
 * Defaults: the last 30 days up to the end of the current hour.
 */
export function reportRange(rawFrom: string | undefined, rawTo: string | undefined, now = Date.now()): { from: Date; to: Date } {
  const parsed = parseTimeRange(rawFrom, rawTo);
  const toMs = Math.ceil((parsed.to?.getTime() ?? now) / HOUR_MS) * HOUR_MS;
  const fromMs = Math.floor((parsed.from?.getTime() ?? toMs - DEFAULT_DAYS * 86_400_000) / HOUR_MS) * HOUR_MS;
  if (toMs <= fromMs) throw ApiError.badRequest('the range must cover at least part of an hour (from before to)', 'invalid_time');
  if (toMs - fromMs > MAX_DAYS * 86_400_000) throw ApiError.badRequest(`a report covers at most ${MAX_DAYS} days`, 'invalid_time');
  return { from: new Date(fromMs), to: new Date(toMs) };
}
