import type { MeasurementInput } from '../probe-result';
import type { ProbeRunner } from '../probe-runner';
import { measureMtr } from '../mtr/mtr.probe';
import { measurePing } from '../ping/ping.probe';

/**
 * AGENT is a plan, not a measurement: PING then MTR toward each peer whose address the
 * controller resolved, one peer after another, reported under the AGENT probe's id.
 */
export const agentRunner: ProbeRunner = {
  async measure(probe, deps, signal) {
    const out: MeasurementInput[] = [];
    for (const peer of probe.agent_targets) {
      if (peer.address === null || signal.aborted) continue;
      out.push(await measurePing(probe, peer.address, deps, signal, peer.id));
      if (!signal.aborted) out.push(await measureMtr(probe, peer.address, deps, signal, peer.id));
    }
    return out;
  },
  steps: (probe) => Math.max(1, 2 * probe.agent_targets.filter((t) => t.address !== null).length),
};
