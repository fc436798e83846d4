/** All API timestamps are ISO-8601 UTC with milliseconds. */
export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null;
}
