import { clickHouseTimeToIso, fromClickHouseTime, toClickHouseSeconds, toClickHouseTime } from './clickhouse-time';

describe('ClickHouse time codec', () => {
  const at = new Date('2026-03-01T10:07:30.250Z');

  it('writes DateTime64(3) text from a Date or an ISO string alike', () => {
    expect(toClickHouseTime(at)).toBe('2026-03-01 10:07:30.250');
    expect(toClickHouseTime('2026-03-01T10:07:30.250Z')).toBe('2026-03-01 10:07:30.250');
  });

  it('writes DateTime text without the fraction', () => {
    expect(toClickHouseSeconds(at)).toBe('2026-03-01 10:07:30');
  });

  it('reads text with or without milliseconds back to the same instant', () => {
    expect(clickHouseTimeToIso('2026-03-01 10:07:30.250')).toBe('2026-03-01T10:07:30.250Z');
    expect(clickHouseTimeToIso('2026-03-01 10:07:30')).toBe('2026-03-01T10:07:30.000Z');
    expect(fromClickHouseTime(toClickHouseTime(at)).getTime()).toBe(at.getTime());
  });
});
