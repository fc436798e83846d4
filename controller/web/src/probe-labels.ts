import type { Probe } from './api/types';

/** Probe types whose results the chart endpoint can draw (PING, MTR's last hop, SPEEDTEST's throughput and loaded latency, TRAFFICSIM's round trip, AGENT). */
export const CHARTABLE = new Set(['PING', 'MTR', 'SPEEDTEST', 'TRAFFICSIM', 'AGENT']);

/** A one-line description of what a probe measures. */
export function probeTitle(p: Probe, agentName: (id: number) => string = (id) => `agent ${id}`): string {
  const targets = [...p.targets, ...p.agent_targets.map(agentName)];
  if (p.type === 'TRAFFICSIM' && p.server) return 'TRAFFICSIM server';
  if (targets.length === 0) return p.type === 'SPEEDTEST' ? 'SPEEDTEST toward this controller' : p.type;
  const shown = targets.slice(0, 3).join(', ') + (targets.length > 3 ? ` +${targets.length - 3}` : '');
  return `${p.type} → ${shown}`;
}
