import type { MeasurementInput } from '../probe-result';
import type { ProbeRunner } from '../probe-runner';
import { measureMtr } from '../mtr/mtr.probe';
import { measurePing } from '../ping/ping.probe';
import { AGENT_FLOW_SECONDS, flowSeconds, measureFlow, stepsFor } from '../trafficsim/trafficsim.probe';

/**
 * AGENT is a plan, not a measurement: PING then MTR toward each peer whose address the
 * controller resolved, then TRAFFICSIM toward a peer the controller names in `trafficsim.peers`
 * (it runs a TRAFFICSIM server; the entry carries its port and the pair key), one peer after
 * another, reported under the AGENT probe's id.
 */
export const agentRunner: ProbeRunner = {
  async measure(probe, deps, signal) {
    const out: MeasurementInput[] = [];
    for (const peer of probe.agent_targets) {
      if (peer.address === null || signal.aborted) continue;
      out.push(await measurePing(probe, peer.address, deps, signal, peer.id));
      if (!signal.aborted) out.push(await measureMtr(probe, peer.address, deps, signal, peer.id));
      const server = probe.trafficsim?.peers?.find((s) => s.agent_id === peer.id);
      if (server && !signal.aborted) {
        const target = { agentId: peer.id, address: server.address ?? peer.address, port: server.port, keyId: server.key_id, key: server.key };
        out.push(await measureFlow(probe, target, AGENT_FLOW_SECONDS, signal));
      }
    }
    return out;
  },
  steps: (probe) => {
    const reachable = probe.agent_targets.filter((t) => t.address !== null);
    const flows = reachable.filter((t) => probe.trafficsim?.peers?.some((s) => s.agent_id === t.id)).length;
    return Math.max(1, 2 * reachable.length + flows * stepsFor(flowSeconds(AGENT_FLOW_SECONDS, probe.timeout_sec), probe));
  },
};
