import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as IoServer, type Socket } from 'socket.io';
import {
  AGENT_NAMESPACE,
  AgentHandshakeAuth,
  ProbeResult,
  SOCKET_PATH,
  type AgentClientToServerEvents,
  type AgentConnectRefusal,
  type AgentServerToClientEvents,
  type ProbeConfig,
  type ProbeConfigSet,
} from '@netwatcher/shared';

export interface EnrollAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function pingProbe(id: number, over: Partial<ProbeConfig> = {}): ProbeConfig {
  return {
    id, type: 'PING', enabled: true, interval_sec: 1, timeout_sec: 3, count: 1, duration_sec: 0, server: false,
    targets: ['127.0.0.1'], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

/**
 * A small stand-in for the controller, speaking the shared protocol: POST /agent enrollment,
 * GET /agent/api/whoami, and the `/agent` namespace at path `/ws` checking the handshake,
 * answering probe_get and acking probe_post. Everything it sees is recorded for assertions.
 */
export class FakeController {
  readonly workspaceId = 1;
  readonly agentId = 10;
  psk = 'test-psk-0123456789abcdefghijklmnopqrstuvwxyz';
  enroll: (body: Record<string, unknown>) => EnrollAnswer = () => ({ status: 500, body: { error: 'not configured' } });
  refusal: AgentConnectRefusal | null = null;
  acking = true;
  probeSet: ProbeConfigSet = { probes: [pingProbe(1)], revision: 'r1' };

  readonly enrollRequests: Record<string, unknown>[] = [];
  readonly handshakes: { headers: Record<string, unknown>; auth: Record<string, unknown> }[] = [];
  readonly versions: string[] = [];
  /** Every result posted, in arrival order, re-deliveries included, with arrival time. */
  readonly received: { result: ProbeResult; at: number }[] = [];
  readonly invalid: unknown[] = [];

  private http: HttpServer | null = null;
  private io: IoServer<AgentClientToServerEvents, AgentServerToClientEvents> | null = null;
  port = 0;

  async start(port = 0): Promise<void> {
    this.http = createServer((req, res) => void this.handleHttp(req, res));
    this.io = new IoServer(this.http, { path: SOCKET_PATH, transports: ['websocket'] });
    const nsp = this.io.of(AGENT_NAMESPACE);
    nsp.use((socket, next) => {
      const h = socket.handshake.headers;
      this.handshakes.push({ headers: { ...h }, auth: { ...socket.handshake.auth } });
      const refuse = (r: AgentConnectRefusal): void => next(Object.assign(new Error(r.error), { data: r }));
      if (this.refusal) return refuse(this.refusal);
      const creds = AgentHandshakeAuth.safeParse({
        workspace_id: h['x-workspace-id'],
        agent_id: h['x-agent-id'],
        psk: h['x-agent-psk'],
      });
      const auth = AgentHandshakeAuth.safeParse(socket.handshake.auth);
      if (!creds.success || !auth.success) return refuse({ code: 'bad_request', status: 400, error: 'missing credentials' });
      const ok = (c: AgentHandshakeAuth) => c.workspace_id === this.workspaceId && c.agent_id === this.agentId && c.psk === this.psk;
      if (!ok(creds.data) || !ok(auth.data)) return refuse({ code: 'unauthorized', status: 401, error: 'invalid PSK' });
      next();
    });
    nsp.on('connection', (socket) => this.handleSocket(socket));
    await new Promise<void>((resolve) => this.http!.listen(port, '127.0.0.1', resolve));
    this.port = (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get connectedCount(): number {
    return this.io?.of(AGENT_NAMESPACE).sockets.size ?? 0;
  }

  /** Pushes a new probe set to every connected agent, unsolicited, as the controller does on a change. */
  push(set: ProbeConfigSet): void {
    this.probeSet = set;
    this.io!.of(AGENT_NAMESPACE).emit('probe_get', set);
  }

  async stop(): Promise<void> {
    const io = this.io;
    const http = this.http;
    this.io = null;
    this.http = null;
    if (io) {
      io.of(AGENT_NAMESPACE).disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    }
    if (http?.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  private handleSocket(socket: Socket<AgentClientToServerEvents, AgentServerToClientEvents>): void {
    socket.on('version', (v) => {
      this.versions.push(v.version);
      socket.emit('version', { ok: true, controller_version: 'fake' });
    });
    socket.on('probe_get', () => socket.emit('probe_get', this.probeSet));
    socket.on('probe_post', (payload) => {
      const items = Array.isArray(payload) ? payload : [payload];
      const ids: string[] = [];
      for (const item of items) {
        const parsed = ProbeResult.safeParse(item);
        if (parsed.success) {
          this.received.push({ result: parsed.data, at: Date.now() });
          ids.push(parsed.data.id);
        } else {
          this.invalid.push(item);
        }
      }
      if (this.acking) socket.emit('probe_post_ok', { ids, rejected: [] });
    });
  }

  private async handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (a: EnrollAnswer): void => {
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(JSON.stringify(a.body));
    };
    if (req.method === 'POST' && req.url === '/agent') {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      this.enrollRequests.push(body);
      return send(this.enroll(body));
    }
    if (req.method === 'GET' && req.url?.startsWith('/agent/api/whoami')) {
      return send(req.headers['x-agent-psk'] === this.psk ? { status: 200, body: { ip: '203.0.113.7' } } : { status: 401, body: { error: 'no' } });
    }
    send({ status: 404, body: { error: 'not found' } });
  }
}
