import { randomUUID } from 'node:crypto';
import {
  AGENT_NAMESPACE,
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  PANEL_NAMESPACE,
  PanelClientToServerEvents,
  PanelServerToClientEvents,
  ProbeDataMessage,
  ProbePostOk,
  ProbeResultInput,
  SOCKET_PATH,
} from '@netwatcher/shared';
import { io, Socket } from 'socket.io-client';

export type AgentClient = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;
export type PanelClient = Socket<PanelServerToClientEvents, PanelClientToServerEvents>;

export function agentSocket(url: string, creds: { workspaceId: number; agentId: number; psk: string }): AgentClient {
  return io(`${url}${AGENT_NAMESPACE}`, {
    path: SOCKET_PATH,
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { 'X-Workspace-ID': String(creds.workspaceId), 'X-Agent-ID': String(creds.agentId), 'X-Agent-PSK': creds.psk },
  });
}

export function panelSocket(url: string, token: string): PanelClient {
  return io(`${url}${PANEL_NAMESPACE}`, { path: SOCKET_PATH, transports: ['websocket'], reconnection: false, auth: { token } });
}

/** Resolves with the connect outcome: 'connected' or the refusal data of connect_error. */
export function connectOutcome(socket: AgentClient | PanelClient): Promise<'connected' | { code?: string; message: string }> {
  // Only the reserved events are used here, so the untyped view of either socket is enough.
  const s = socket as unknown as Socket;
  return new Promise((resolve) => {
    s.once('connect', () => resolve('connected'));
    s.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve({ code: err.data?.code, message: err.message }));
  });
}

export function nextEvent<T>(socket: { once(event: string, fn: (arg: T) => void): unknown }, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (arg: T) => {
      clearTimeout(timer);
      resolve(arg);
    });
  });
}

/** Collects every occurrence of an event, for asserting that something did NOT arrive. */
export function collect<T>(socket: { on(event: string, fn: (arg: T) => void): unknown }, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (arg: T) => seen.push(arg));
  return seen;
}

export function pingResult(probeId: number, overrides: Partial<ProbeResultInput> = {}): ProbeResultInput & { id: string } {
  const rtts = [10.1, 10.4, null, 10.2];
  return {
    id: randomUUID(),
    probe_id: probeId,
    type: 'PING',
    created_at: new Date().toISOString(),
    target: '127.0.0.1',
    payload: {
      target: '127.0.0.1',
      address: '127.0.0.1',
      sent: 4,
      received: 3,
      loss_pct: 25,
      rtt_min_ms: 10.1,
      rtt_avg_ms: 10.233,
      rtt_max_ms: 10.4,
      rtt_stddev_ms: 0.125,
      jitter_ms: 0.25,
      rtt_p50_ms: 10.2,
      rtt_p95_ms: 10.38,
      rtt_p99_ms: 10.396,
      rtts_ms: rtts,
    },
    ...overrides,
  } as ProbeResultInput & { id: string };
}

/** Resolves with the first occurrence of `event` that satisfies `matches`. */
/** Anything with Socket.IO's on/off for one event's payload type. */
export type EventSource<T> = { on(event: string, fn: (arg: T) => void): unknown; off(event: string, fn: (arg: T) => void): unknown };

export function nextMatching<T>(
  socket: EventSource<T>,
  event: string,
  matches: (arg: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onEvent = (arg: T): void => {
      if (!matches(arg)) return;
      clearTimeout(timer);
      socket.off(event, onEvent);
      resolve(arg);
    };
    const timer = setTimeout(() => {
      socket.off(event, onEvent);
      reject(new Error(`no matching '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, onEvent);
  });
}

/**
 * Proves "nothing more arrives on this panel" without sleeping. Posts a fresh result of
 * `probeId` from `agent` and resolves with its id once `panel` has shown it. Everything an
 * earlier, already-acked post still owes the panel (a late fan-out runs right after its ack)
 * was emitted before this result's broadcast, and one socket delivers in order: once the
 * sentinel is seen, whatever else was coming has come.
 */
export async function panelSentinel(agent: AgentClient, panel: PanelClient, probeId: number): Promise<string> {
  const sentinel = pingResult(probeId);
  const shown = nextMatching<ProbeDataMessage>(panel as unknown as EventSource<ProbeDataMessage>, 'probe_data', (m) => m.data.id === sentinel.id);
  const acked = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
  agent.emit('probe_post', sentinel as never);
  const ack = await acked;
  if (!ack.ids.includes(sentinel.id)) throw new Error(`the sentinel result was not stored: ${JSON.stringify(ack)}`);
  await shown;
  return sentinel.id;
}
