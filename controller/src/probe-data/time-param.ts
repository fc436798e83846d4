import { ApiError } from '../common/api-error';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * `from`/`to` accept RFC 3339 or Unix time (seconds, or milliseconds when 13 digits), as the
 * seed documents. Anything else is a 400 naming the parameter.
 */
export function parseTimeParam(raw: string | undefined, name: string): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  let ms: number;
  if (/^\d{1,10}$/.test(raw)) ms = Number(raw) * 1000;
  else if (/^\d{13}$/.test(raw)) ms = Number(raw);
  else if (RFC3339.test(raw)) ms = Date.parse(raw);
  else throw ApiError.badRequest(`${name} must be an RFC 3339 timestamp or Unix seconds`, 'invalid_time');
  if (!Number.isFinite(ms)) throw ApiError.badRequest(`${name} is not a valid time`, 'invalid_time');
  return new Date(ms);
}

export function parseTimeRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const range = { from: parseTimeParam(from, 'from'), to: parseTimeParam(to, 'to') };
  if (range.from && range.to && range.from > range.to) throw ApiError.badRequest('from must not be after to', 'invalid_time');
  return range;
}
