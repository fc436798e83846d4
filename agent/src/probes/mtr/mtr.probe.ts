import type { MtrPayload, ProbeConfig } from '@netwatcher/shared';
import { unsafeTargetReason } from '../../exec/command-target';
import { finishedCommand, type CommandRunner } from '../../exec/run-command';
import type { MeasurementInput } from '../probe-result';
import { effectiveCount, mapLimit, type ProbeRunner, type RunnerDeps, TARGET_CONCURRENCY, targetSteps } from '../probe-runner';
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

/** One MTR of a scheduled probe toward one target; the AGENT plan uses it toward a peer. */
export async function measureMtr(
  probe: ProbeConfig,
  target: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  targetAgent = 0,
): Promise<MeasurementInput> {
  const options = { count: effectiveCount(probe.count, 'MTR'), timeoutSec: probe.timeout_sec };
  const payload = await runMtrProbe(target, options, deps.run, signal);
  return { probeId: probe.id, type: 'MTR', target, targetAgent, payload, endedAt: new Date() };
}

/** Someone is waiting at the terminal: a local run gives up sooner than a scheduled one (60 s). */
const LOCAL_TIMEOUT_SEC = 30;

export const mtrRunner: ProbeRunner = {
  measure: (probe, deps, signal) => mapLimit(probe.targets, TARGET_CONCURRENCY, (t) => measureMtr(probe, t, deps, signal)),
  steps: targetSteps,
  local: {
    kind: 'target',
    defaults: { count: effectiveCount(0, 'MTR'), timeoutSec: LOCAL_TIMEOUT_SEC },
    run: (target, options, deps) => runMtrProbe(target, options, deps.run),
  },
};
