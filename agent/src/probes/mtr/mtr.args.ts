import { isIPv6 } from 'node:net';
import { assertSafeTarget } from '../../exec/command-target';

export interface MtrOptions {
  count: number;
  timeoutSec: number;
}

/**
 * Flags for Debian's mtr-tiny (0.95): JSON report (`-j`), no reverse DNS (`-n`: one lookup per
 * hop per run would dominate the run time and leak queries), `-c` cycles, and a 1 s grace for
 * late replies after the last cycle.
 */
export function buildMtrArgs(target: string, options: MtrOptions): string[] {
  const args = ['-j', '-n', '-c', String(options.count), '--gracetime', '1'];
  if (isIPv6(target)) args.push('-6');
  // Throws rather than build an argument list where the target could act as a flag.
  args.push(assertSafeTarget(target));
  return args;
}
