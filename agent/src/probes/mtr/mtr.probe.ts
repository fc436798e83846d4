import type { MtrPayload } from '@netwatcher/shared';
import { unsafeTargetReason } from '../../exec/command-target';
import { finishedCommand, type CommandRunner } from '../../exec/run-command';
import { buildMtrArgs, type MtrOptions } from './mtr.args';
import { parseMtrOutput } from './mtr.parser';

/** One MTR measurement; mtr prints its JSON only at the end, so a timeout yields an error payload. */
export async function runMtrProbe(
  target: string,
  options: MtrOptions,
  run: CommandRunner,
  signal?: AbortSignal,
): Promise<MtrPayload> {
  const unsafe = unsafeTargetReason(target);
  if (unsafe) return parseMtrOutput({ target, stdout: '', spawnError: `refused to run mtr: ${unsafe}` });
  const out = await run('mtr', buildMtrArgs(target, options), { timeoutMs: options.timeoutSec * 1000, signal });
  return parseMtrOutput({
    target,
    ...finishedCommand(out, options.timeoutSec),
  });
}
