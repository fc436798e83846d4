import { PROBE_CATALOGUE, TRAFFICSIM_LIMITS, type ProbeConfig, type TrafficsimPayload } from '@netwatcher/shared';
import type { MeasurementInput } from '../probe-result';
import type { ProbeRunner } from '../probe-runner';
import { runFlow, type FlowFigures } from './trafficsim.client';
import { keyFromBase64 } from './trafficsim.codec';

/** How long an AGENT plan's TRAFFICSIM run lasts (AGENT probes have no duration of their own). */
export const AGENT_FLOW_SECONDS = 10;
/** The stats exchange after the answers' wait: up to three 1-second tries. */
const STATS_SECONDS = 3;

/** Where one flow goes and under which key. */
export interface FlowTarget {
  agentId: number | null;
  address: string | null;
  port: number;
  keyId: number;
  key: string;
}

const NO_FIGURES: FlowFigures = {
  sent: 0, received: 0, loss_pct: 0, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, jitter_ms: null,
  out_of_order: 0, duplicates: 0, mos: null, upstream: null, downstream: null,
};

/** `host:port` with brackets around an IPv6 address, as TRAFFICSIM targets are written. */
export function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** One TRAFFICSIM run of a probe toward one server; the AGENT plan uses it toward a peer. */
export async function measureFlow(
  probe: ProbeConfig,
  target: FlowTarget,
  durationSec: number,
  signal: AbortSignal,
): Promise<MeasurementInput> {
  const settings = probe.trafficsim ?? { rate_pps: TRAFFICSIM_LIMITS.rate_pps.default, packet_size: TRAFFICSIM_LIMITS.packet_size.default };
  const base = {
    target: hostPort(target.address ?? '0.0.0.0', target.port),
    peer_agent_id: target.agentId,
    interval_sec: probe.interval_sec,
    duration_sec: durationSec,
    rate_pps: settings.rate_pps,
    packet_size: settings.packet_size,
  };
  let payload: TrafficsimPayload;
  if (target.address === null) {
    payload = { ...base, ...NO_FIGURES, error: 'the server agent has no known address yet (no NETINFO report or public_ip_override)' };
  } else {
    const figures = await runFlow(
      {
        address: target.address,
        port: target.port,
        keyId: target.keyId,
        key: keyFromBase64(target.key),
        ratePps: settings.rate_pps,
        packetSize: settings.packet_size,
        durationSec,
        timeoutSec: probe.timeout_sec,
      },
      signal,
    );
    payload = { ...base, ...figures };
    if (figures.upstream === null && figures.sent > 0) payload.error = 'the server never answered (not listening, not paired with this client, or unreachable)';
  }
  return { probeId: probe.id, type: 'TRAFFICSIM', target: base.target, targetAgent: target.agentId ?? 0, payload, endedAt: new Date() };
}

/** Seconds one flow may take: sending, waiting for the last answers, the stats exchange. */
export function flowSeconds(durationSec: number, timeoutSec: number): number {
  return durationSec + timeoutSec + STATS_SECONDS;
}

/** Budget steps (each timeout + 3 s of slack in the executor) that cover `seconds`. */
export function stepsFor(seconds: number, probe: ProbeConfig): number {
  return Math.ceil(seconds / (probe.timeout_sec + 3)) + 1;
}

/**
 * TRAFFICSIM: a client probe runs one flow per scheduled run toward the server the controller
 * named (`trafficsim.peer`); a server probe measures nothing here — its listener is kept up by
 * TrafficsimServers for as long as the probe is in the agent's set.
 */
export const trafficsimRunner: ProbeRunner = {
  async measure(probe, _deps, signal) {
    if (probe.server) return [];
    const peer = probe.trafficsim?.peer;
    const duration = probe.duration_sec || (PROBE_CATALOGUE.TRAFFICSIM.rules.duration?.default ?? 60);
    if (!peer) {
      // The controller found no server to pair with (a host:port that no server of the workspace serves).
      const target = probe.targets[0] ?? '';
      const settings = probe.trafficsim;
      const payload: TrafficsimPayload = {
        target: target || '0.0.0.0:0', peer_agent_id: null, interval_sec: probe.interval_sec, duration_sec: duration,
        rate_pps: settings?.rate_pps ?? TRAFFICSIM_LIMITS.rate_pps.default, packet_size: settings?.packet_size ?? TRAFFICSIM_LIMITS.packet_size.default,
        ...NO_FIGURES, error: 'no pair key: this workspace runs no TRAFFICSIM server for this client',
      };
      return [{ probeId: probe.id, type: 'TRAFFICSIM', target: payload.target, payload, endedAt: new Date() }];
    }
    return [await measureFlow(probe, { agentId: peer.agent_id, address: peer.address, port: peer.port, keyId: peer.key_id, key: peer.key }, duration, signal)];
  },
  steps: (probe) => (probe.server ? 1 : stepsFor(flowSeconds(probe.duration_sec, probe.timeout_sec), probe)),
};
