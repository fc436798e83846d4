import { isIPv6 } from 'node:net';
import { assertSafeTarget } from '../../exec/command-target';

export interface PingOptions {
  count: number;
  /** The whole run must fit in this many seconds; the probe kills ping shortly after it. */
  timeoutSec: number;
}

/** iputils lets unprivileged users go down to 0.2 s; slower than 1 s only wastes the interval. */
const MIN_INTERVAL_SEC = 0.2;
const MAX_INTERVAL_SEC = 1;

/** Seconds to wait for each reply: long enough for a slow link, short enough to fit the run. */
export function pingReplyWaitSec(timeoutSec: number): number {
  return Math.min(5, Math.max(1, Math.floor(timeoutSec / 4)));
}

/**
 * Spacing between echo requests so `count` packets plus the last reply wait fit in the timeout,
 * clamped to 0.2–1 s. Rounded to 0.1 s because that is what ping accepts for non-root users.
 */
export function pingIntervalSec(count: number, timeoutSec: number): number {
  const budget = timeoutSec - pingReplyWaitSec(timeoutSec);
  const raw = count > 1 ? budget / (count - 1) : MAX_INTERVAL_SEC;
  const clamped = Math.min(MAX_INTERVAL_SEC, Math.max(MIN_INTERVAL_SEC, raw));
  return Math.floor(clamped * 10) / 10;
}

/**
 * Flags for iputils `ping`. Bounded by `-c` (and the probe's outer timeout) rather than `-w`:
 * `-w` ends the run by wall clock and makes ping report packets it never had time to send as lost.
 */
export function buildPingArgs(target: string, options: PingOptions): string[] {
  const args = ['-n', '-c', String(options.count), '-i', String(pingIntervalSec(options.count, options.timeoutSec))];
  args.push('-W', String(pingReplyWaitSec(options.timeoutSec)));
  if (isIPv6(target)) args.push('-6');
  // Throws rather than build an argument list where the target could act as a flag.
  args.push(assertSafeTarget(target));
  return args;
}
