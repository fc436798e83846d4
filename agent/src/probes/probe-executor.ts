import type { ProbeConfig, ProbeResult, ProbeType } from '@netwatcher/shared';
import type { CommandRunner } from '../exec/run-command';
import type { Logger } from '../log';
import { runMtrProbe } from './mtr/mtr.probe';
import { collectNetinfo } from './netinfo/netinfo.probe';
import { DEFAULT_MTR_COUNT, DEFAULT_PING_COUNT, effectiveCount } from './probe-defaults';
import { buildResult, type MeasurementInput } from './probe-result';
import { runPingProbe } from './ping/ping.probe';
import { collectSysinfo } from './sysinfo/sysinfo.probe';

/** Runs one scheduled probe and returns its results; the scheduler knows nothing about types. */
export interface ProbeExecutor {
  supports(type: ProbeType): boolean;
  /** Results of one run. A run aborted by shutdown returns nothing (its figures would be partial). */
  execute(probe: ProbeConfig, signal: AbortSignal): Promise<ProbeResult[]>;
  /** Upper bound for one run, after which the scheduler aborts it. */
  budgetMs(probe: ProbeConfig): number;
}

export interface ProbeExecutorDeps {
  run: CommandRunner;
  publicIp: () => Promise<string | null>;
  agentVersion: string;
  log: Logger;
}

const SUPPORTED: ReadonlySet<ProbeType> = new Set(['PING', 'MTR', 'SYSINFO', 'NETINFO', 'AGENT']);

/** Targets measured at once within one PING/MTR probe: parallel enough, not a fork bomb. */
const TARGET_CONCURRENCY = 4;
/** Kill grace and process start-up on top of each measurement's own timeout. */
const MEASUREMENT_SLACK_MS = 3000;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Measurements one run performs, to size its budget. */
function measurementSteps(probe: ProbeConfig): number {
  switch (probe.type) {
    case 'PING':
    case 'MTR':
      return Math.max(1, Math.ceil(probe.targets.length / TARGET_CONCURRENCY));
    case 'AGENT':
      return Math.max(1, 2 * probe.agent_targets.filter((t) => t.address !== null).length);
    default:
      return 1;
  }
}

export function createProbeExecutor(deps: ProbeExecutorDeps): ProbeExecutor {
  const { run, log } = deps;

  const keep = (results: ProbeResult[], input: MeasurementInput): void => {
    const built = buildResult(input);
    if (built.ok) results.push(built.result);
    else log.error({ probe_id: input.probeId, type: input.type, error: built.error }, 'measurement does not match the result schema; dropped');
  };

  const ping = async (probe: ProbeConfig, target: string, signal: AbortSignal, targetAgent = 0): Promise<MeasurementInput> => {
    const payload = await runPingProbe(
      target,
      { count: effectiveCount(probe.count, DEFAULT_PING_COUNT), timeoutSec: probe.timeout_sec },
      run,
      signal,
    );
    return { probeId: probe.id, type: 'PING', target, targetAgent, payload, endedAt: new Date() };
  };

  const mtr = async (probe: ProbeConfig, target: string, signal: AbortSignal, targetAgent = 0): Promise<MeasurementInput> => {
    const payload = await runMtrProbe(
      target,
      { count: effectiveCount(probe.count, DEFAULT_MTR_COUNT), timeoutSec: probe.timeout_sec },
      run,
      signal,
    );
    return { probeId: probe.id, type: 'MTR', target, targetAgent, payload, endedAt: new Date() };
  };

  const measure = async (probe: ProbeConfig, signal: AbortSignal): Promise<MeasurementInput[]> => {
    switch (probe.type) {
      case 'PING':
        return mapLimit(probe.targets, TARGET_CONCURRENCY, (t) => ping(probe, t, signal));
      case 'MTR':
        return mapLimit(probe.targets, TARGET_CONCURRENCY, (t) => mtr(probe, t, signal));
      case 'AGENT': {
        // A plan, not a measurement: PING then MTR toward each peer whose address is known.
        const out: MeasurementInput[] = [];
        for (const peer of probe.agent_targets) {
          if (peer.address === null || signal.aborted) continue;
          out.push(await ping(probe, peer.address, signal, peer.id));
          if (!signal.aborted) out.push(await mtr(probe, peer.address, signal, peer.id));
        }
        return out;
      }
      case 'SYSINFO':
        return [{ probeId: probe.id, type: 'SYSINFO', target: '', payload: await collectSysinfo(deps.agentVersion), endedAt: new Date() }];
      case 'NETINFO':
        return [{ probeId: probe.id, type: 'NETINFO', target: '', payload: await collectNetinfo(deps.publicIp), endedAt: new Date() }];
      default:
        return [];
    }
  };

  return {
    supports: (type) => SUPPORTED.has(type),
    budgetMs: (probe) => measurementSteps(probe) * (probe.timeout_sec * 1000 + MEASUREMENT_SLACK_MS),
    async execute(probe, signal) {
      const measurements = await measure(probe, signal);
      if (signal.aborted) return [];
      const results: ProbeResult[] = [];
      for (const m of measurements) keep(results, m);
      return results;
    },
  };
}
