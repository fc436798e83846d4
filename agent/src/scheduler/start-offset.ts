/**
 * Where within its first interval a probe starts. Deterministic per probe id (Knuth's
 * multiplicative hash spreads consecutive ids evenly), so 100 probes pushed at once do not fire
 * together, and a restarted agent keeps roughly the same phase. Capped so a probe with a
 * one-hour interval still runs soon after start.
 */
export function startOffsetMs(probeId: number, intervalMs: number, capMs: number): number {
  const fraction = Math.imul(probeId, 2654435761) >>> 0;
  return Math.floor((fraction / 2 ** 32) * Math.min(intervalMs, capMs));
}
