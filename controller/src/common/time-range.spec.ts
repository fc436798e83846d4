import { parseTimeParam, parseTimeRange } from './time-range';

describe('time parameters', () => {
  it('accepts RFC 3339, Unix seconds and Unix milliseconds', () => {
    expect(parseTimeParam('2026-01-02T03:04:05Z', 'from')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parseTimeParam('2026-01-02T03:04:05.5+01:00', 'from')?.toISOString()).toBe('2026-01-02T02:04:05.500Z');
    expect(parseTimeParam('1767225600', 'from')?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseTimeParam('1767225600123', 'from')?.toISOString()).toBe('2026-01-01T00:00:00.123Z');
    expect(parseTimeParam(undefined, 'from')).toBeUndefined();
  });

  it('refuses anything else with the parameter named', () => {
    for (const bad of ['yesterday', '2026-13-45', '1e9', '-5', "2026-01-01' OR 1=1"]) {
      expect(() => parseTimeParam(bad, 'to')).toThrow(/to must be/);
    }
    for (const bad of ['2024-02-30T00:00:00Z', '2024-01-01T25:00:00Z', '2024-01-01T24:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1969-12-31T23:59:59Z']) {
      expect(() => parseTimeParam(bad, 'from')).toThrow(/from (is not a valid time|must lie between)/);
    }
    expect(() => parseTimeRange('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')).toThrow(/from must not be after to/);
  });
});
