import type { PingPayload } from '@netwatcher/shared';
import { unsafeTargetReason } from '../../exec/command-target';
import { finishedCommand, type CommandRunner } from '../../exec/run-command';
import { buildPingArgs, type PingOptions } from './ping.args';
import { parsePingOutput } from './ping.parser';

/** Extra time for ping to print its statistics after the last reply wait. */
const SUMMARY_GRACE_MS = 1000;

/**
 * One PING measurement. ping is stopped with SIGINT at the timeout so it still prints its
 * statistics for the packets it did send; SIGKILL follows if it does not.
 */
export async function runPingProbe(
  target: string,
  options: PingOptions,
  run: CommandRunner,
  signal?: AbortSignal,
): Promise<PingPayload> {
  const unsafe = unsafeTargetReason(target);
  // Reported like a tool that could not start; nothing is spawned.
  if (unsafe) return parsePingOutput({ target, count: options.count, stdout: '', spawnError: `refused to run ping: ${unsafe}` });
  const out = await run('ping', buildPingArgs(target, options), {
    timeoutMs: options.timeoutSec * 1000,
    killSignal: 'SIGINT',
    killGraceMs: SUMMARY_GRACE_MS,
    signal,
  });
  return parsePingOutput({
    target,
    count: options.count,
    ...finishedCommand(out, options.timeoutSec),
  });
}
