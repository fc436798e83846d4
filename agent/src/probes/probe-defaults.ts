/** `count: 0` in a probe config means "use the default for this probe type". */
export const DEFAULT_PING_COUNT = 5;
export const DEFAULT_MTR_COUNT = 5;

export function effectiveCount(count: number, fallback: number): number {
  return count > 0 ? count : fallback;
}
