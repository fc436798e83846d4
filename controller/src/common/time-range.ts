import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ApiError } from './api-error';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Times the stores can represent: ClickHouse DateTime (UInt32 seconds) runs from 1970 to
 * 2106-02-07; year 0000 or 9999 would fail deep inside a query as a 500.
 */
export const EARLIEST_TIME_MS = 0;
export const LATEST_TIME_MS = Date.UTC(2106, 0, 1);

/** The calendar fields as written name a real date and time (no February 30th, no hour 25). */
function realCalendarFields(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
}

/**
 * `from`/`to` accept RFC 3339 or Unix time (seconds, or milliseconds when 13 digits), as the
 * seed documents. Anything else is a 400 naming the parameter.
 */
export function parseTimeParam(raw: string | undefined, name: string): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  let ms: number;
  if (/^\d{1,10}$/.test(raw)) ms = Number(raw) * 1000;
  else if (/^\d{13}$/.test(raw)) ms = Number(raw);
  else {
    const m = RFC3339.exec(raw);
    if (!m) throw ApiError.badRequest(`${name} must be an RFC 3339 timestamp or Unix seconds`, 'invalid_time');
    ms = realCalendarFields(m) ? Date.parse(raw) : NaN;
  }
  if (!Number.isFinite(ms)) throw ApiError.badRequest(`${name} is not a valid time`, 'invalid_time');
  if (ms < EARLIEST_TIME_MS || ms >= LATEST_TIME_MS) {
    throw ApiError.badRequest(`${name} must lie between 1970-01-01 and 2106-01-01`, 'invalid_time');
  }
  return new Date(ms);
}

export function parseTimeRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const range = { from: parseTimeParam(from, 'from'), to: parseTimeParam(to, 'to') };
  if (range.from && range.to && range.from > range.to) throw ApiError.badRequest('from must not be after to', 'invalid_time');
  return range;
}

/** `from`/`to` as RFC 3339 or Unix time, parsed by parseTimeRange below. Every ranged query extends it. */
export class TimeRangeQuery {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  from?: string;

  @IsOptional()
  @IsString()
  @MaxLength(40)
  to?: string;
}
