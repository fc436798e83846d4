import { PROBE_CATALOGUE, type ProbeConfig, type ProbeType } from '@netwatcher/shared';
import type { CommandRunner } from '../exec/run-command';
import type { MeasurementInput } from './probe-result';

/** The agent's own controller and the PSK headers it proves itself with there. */
export interface ControllerAccess {
  /** Base URL without a trailing slash, e.g. `https://nw.example.com`. */
  url: string;
  headers: Record<string, string>;
}

/** What runners may use; injected so tests feed recorded output instead of spawning. */
export interface RunnerDeps {
  run: CommandRunner;
  /** The agent's public address as the controller sees it (null when it cannot be asked). */
  publicIp: () => Promise<string | null>;
  agentVersion: string;
  /** Null when the agent is not enrolled (`probe` on a fresh host): SPEEDTEST then needs a server URL. */
  controller: ControllerAccess | null;
}

/**
 * How a runner is offered by `netwatcher-agent probe <type>`: one measurement, payload on stdout.
 * Toward one host (with --count/--timeout and these defaults), of this host itself, or toward a
 * speed-test server.
 */
export type LocalProbe =
  | {
      kind: 'target';
      defaults: { count: number; timeoutSec: number };
      run(target: string, options: { count: number; timeoutSec: number }, deps: RunnerDeps): Promise<unknown>;
    }
  | { kind: 'self'; run(deps: RunnerDeps): Promise<unknown> }
  /** Toward a server URL, or without one toward the enrolled agent's controller (SPEEDTEST). */
  | {
      kind: 'server';
      defaults: { timeoutSec: number };
      run(server: string | undefined, options: { timeoutSec: number }, deps: RunnerDeps): Promise<unknown>;
    };

/**
 * Runs one probe type. One per type in `agent/src/probes/<type>/<type>.probe.ts`, registered once
 * in `registry.ts`; the scheduler's executor and the `probe` command both find runners there.
 */
export interface ProbeRunner {
  /** The measurements of one scheduled run, in order. */
  measure(probe: ProbeConfig, deps: RunnerDeps, signal: AbortSignal): Promise<MeasurementInput[]>;
  /** Measurements one run performs one after another, to size its time budget. */
  steps(probe: ProbeConfig): number;
  /** Absent: the type is not offered by the local `probe` command. */
  local?: LocalProbe;
}

/** Targets measured at once within one PING/MTR probe: parallel enough, not a fork bomb. */
export const TARGET_CONCURRENCY = 4;

/** `count: 0` in a probe config means "the catalogue's default for this type". */
export function effectiveCount(count: number, type: ProbeType): number {
  if (count > 0) return count;
  const range = PROBE_CATALOGUE[type].rules.count;
  if (!range) throw new Error(`${type} probes have no count`);
  return range.default;
}

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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

/** Steps of a probe that measures its targets TARGET_CONCURRENCY at a time. */
export function targetSteps(probe: ProbeConfig): number {
  return Math.max(1, Math.ceil(probe.targets.length / TARGET_CONCURRENCY));
}
