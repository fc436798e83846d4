import type { ProbePostOk, ProbeResultInput } from '@netwatcher/shared';
import { createAgent, enroll } from '../support/agents';
import type { TestUser } from '../support/factories';
import { Http } from '../support/http';
import { agentSocket, AgentClient, connectOutcome, nextEvent, pingResult } from '../support/sockets';

/** An enrolled agent connected over its real socket, with one PING probe of 127.0.0.1. */
export interface SimulatedAgent {
  id: number;
  socket: AgentClient;
  probe: number;
}

export async function connectSimulatedAgent(url: string, user: TestUser, workspaceId: number): Promise<SimulatedAgent> {
  const created = await createAgent(user, workspaceId);
  const psk = await enroll(new Http(url), workspaceId, created.agent.id, created.pin);
  const socket = agentSocket(url, { workspaceId, agentId: created.agent.id, psk });
  const outcome = await connectOutcome(socket);
  if (outcome !== 'connected') throw new Error(`agent socket refused: ${JSON.stringify(outcome)}`);
  const probe = await user.http.post(`/workspaces/${workspaceId}/agents/${created.agent.id}/probes`, { type: 'PING', targets: ['127.0.0.1'] });
  if (probe.status !== 201) throw new Error(`create probe failed: ${probe.status} ${JSON.stringify(probe.body)}`);
  return { id: created.agent.id, socket, probe: probe.body.id };
}

/** A PING result of `probeId` measuring `lossPct` % loss toward `target`, taken at `at`. */
export function pingWithLoss(probeId: number, lossPct: number, at: Date, target = '127.0.0.1'): ProbeResultInput & { id: string } {
  const result = pingResult(probeId, { created_at: at.toISOString(), target });
  result.payload = { ...(result.payload as object), target, loss_pct: lossPct } as never;
  return result;
}

/** Posts one result as the agent does and waits for the controller's ack. */
export async function postResult(socket: AgentClient, result: ProbeResultInput): Promise<ProbePostOk> {
  const ack = nextEvent<ProbePostOk>(socket, 'probe_post_ok');
  socket.emit('probe_post', result as never);
  return ack;
}
