import { PROBE_CATALOGUE, type PingPayload, type ProbeConfig } from '@netwatcher/shared';
import { unsafeTargetReason } from '../../exec/command-target';
import { finishedCommand, type CommandRunner } from '../../exec/run-command';
import type { MeasurementInput } from '../probe-result';
import { effectiveCount, mapLimit, type ProbeRunner, type RunnerDeps, TARGET_CONCURRENCY, targetSteps } from '../probe-runner';
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

/** One PING of a scheduled probe toward one target; the AGENT plan uses it toward a peer. */
export async function measurePing(
  probe: ProbeConfig,
  target: string,
  deps: RunnerDeps,
  signal: AbortSignal,
  targetAgent = 0,
): Promise<MeasurementInput> {
  const options = { count: effectiveCount(probe.count, 'PING'), timeoutSec: probe.timeout_sec };
  const payload = await runPingProbe(target, options, deps.run, signal);
  return { probeId: probe.id, type: 'PING', target, targetAgent, payload, endedAt: new Date() };
}

export const pingRunner: ProbeRunner = {
  measure: (probe, deps, signal) => mapLimit(probe.targets, TARGET_CONCURRENCY, (t) => measurePing(probe, t, deps, signal)),
  steps: targetSteps,
  local: {
    kind: 'target',
    defaults: { count: effectiveCount(0, 'PING'), timeoutSec: PROBE_CATALOGUE.PING.rules.timeout.default },
    run: (target, options, deps) => runPingProbe(target, options, deps.run),
  },
};
