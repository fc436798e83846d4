/**
 * The one codec between JavaScript times and ClickHouse time text (UTC columns, parameters
 * bound as text). DateTime64(3) reads and writes 'YYYY-MM-DD hh:mm:ss.sss'; DateTime has no
 * fraction; ClickHouse prints a DateTime64 with whole seconds without the fraction.
 */

/** DateTime64(3) text of a Date or of an ISO 8601 UTC string ('…Z'). */
export function toClickHouseTime(time: Date | string): string {
  const iso = typeof time === 'string' ? time : time.toISOString();
  return iso.replace('T', ' ').replace('Z', '');
}

/** DateTime (whole seconds) text of a Date. */
export function toClickHouseSeconds(time: Date): string {
  return toClickHouseTime(time).slice(0, 19);
}

/** ISO 8601 UTC text of ClickHouse time text, always with milliseconds. */
export function clickHouseTimeToIso(text: string): string {
  return text.replace(' ', 'T') + (text.includes('.') ? 'Z' : '.000Z');
}

export function fromClickHouseTime(text: string): Date {
  return new Date(clickHouseTimeToIso(text));
}
