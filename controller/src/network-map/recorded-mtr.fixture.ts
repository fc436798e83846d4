import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MtrPayload, type MtrHop } from '@netwatcher/shared';
import type { MtrObservation } from '../probe-results/mtr-paths.repository';

/** The agent's golden MTR payloads (agent/test/fixtures/mtr), parsed by the protocol schema. */
export function recordedMtr(name: 'two-hops' | 'unknown-hop' | 'partial-loss' | 'success' | 'ipv6'): MtrPayload {
  const file = join(__dirname, '../../../agent/test/fixtures/mtr', `mtr-${name}.json`);
  return MtrPayload.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** A hop of a recorded payload moved to another position and address (to build loops and ECMP paths from real hops). */
export function movedHop(hop: MtrHop, position: number, address: string | null = hop.address): MtrHop {
  return { ...hop, hop: position, address };
}

export function observed(payload: MtrPayload, at: string, who: { probeId?: number; agentId?: number; targetAgent?: number; hops?: MtrHop[] } = {}): MtrObservation {
  return { probeId: who.probeId ?? 1, agentId: who.agentId ?? 1, target: payload.target, targetAgent: who.targetAgent ?? null, createdAt: new Date(at), hops: who.hops ?? payload.hops };
}
