import type { ProbeConfig, ProbeResult, ProbeType } from '@netwatcher/shared';
import type { Logger } from '../log';
import { buildResult, type MeasurementInput } from './probe-result';
import type { RunnerDeps } from './probe-runner';
import { runnerFor } from './runner-registry';

/** Runs one scheduled probe and returns its results; the scheduler knows nothing about types. */
export interface ProbeExecutor {
  supports(type: ProbeType): boolean;
  /** Results of one run. A run aborted by shutdown returns nothing (its figures would be partial). */
  execute(probe: ProbeConfig, signal: AbortSignal): Promise<ProbeResult[]>;
  /** Upper bound for one run, after which the scheduler aborts it. */
  budgetMs(probe: ProbeConfig): number;
}

export interface ProbeExecutorDeps extends RunnerDeps {
  log: Logger;
}

/** Kill grace and process start-up on top of each measurement's own timeout. */
const MEASUREMENT_SLACK_MS = 3000;

/** The scheduler's view of the runner registry: wraps each measurement in a validated result. */
export function createProbeExecutor(deps: ProbeExecutorDeps): ProbeExecutor {
  const { log } = deps;

  const keep = (results: ProbeResult[], input: MeasurementInput): void => {
    const built = buildResult(input);
    if (built.ok) results.push(built.result);
    else log.error({ probe_id: input.probeId, type: input.type, error: built.error }, 'measurement does not match the result schema; dropped');
  };

  return {
    supports: (type) => runnerFor(type) !== undefined,
    budgetMs: (probe) => (runnerFor(probe.type)?.steps(probe) ?? 1) * (probe.timeout_sec * 1000 + MEASUREMENT_SLACK_MS),
    async execute(probe, signal) {
      const runner = runnerFor(probe.type);
      const measurements = runner ? await runner.measure(probe, deps, signal) : [];
      if (signal.aborted) return [];
      const results: ProbeResult[] = [];
      for (const m of measurements) keep(results, m);
      return results;
    },
  };
}
