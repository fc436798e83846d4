import { PROBE_TYPES, type ProbeType } from '@netwatcher/shared';
import { agentRunner } from './agent/agent.probe';
import { mtrRunner } from './mtr/mtr.probe';
import { netinfoRunner } from './netinfo/netinfo.probe';
import { pingRunner } from './ping/ping.probe';
import { speedtestRunner } from './speedtest/speedtest.probe';
import type { LocalProbe, ProbeRunner } from './probe-runner';
import { sysinfoRunner } from './sysinfo/sysinfo.probe';
import { trafficsimRunner } from './trafficsim/trafficsim.probe';

/**
 * The one registry of runners, used by `run` (through the scheduler's executor) and by the local
 * `probe` command. Typed so that a type added to the catalogue fails to compile until it has a
 * runner here. (A type this version does not know, sent by a newer controller, has none: the
 * scheduler skips it with a warning.)
 */
const RUNNERS: Record<ProbeType, ProbeRunner> = {
  PING: pingRunner,
  MTR: mtrRunner,
  SPEEDTEST: speedtestRunner,
  SYSINFO: sysinfoRunner,
  NETINFO: netinfoRunner,
  TRAFFICSIM: trafficsimRunner,
  AGENT: agentRunner,
};

export function runnerFor(type: ProbeType): ProbeRunner | undefined {
  return Object.prototype.hasOwnProperty.call(RUNNERS, type) ? RUNNERS[type] : undefined;
}

/** Types the local `probe` command offers, lower-case as typed on the command line, in catalogue order. */
export const LOCAL_PROBES: ReadonlyMap<string, LocalProbe> = new Map(
  PROBE_TYPES.flatMap((type) => {
    const local = runnerFor(type)?.local;
    return local ? [[type.toLowerCase(), local] as const] : [];
  }),
);
