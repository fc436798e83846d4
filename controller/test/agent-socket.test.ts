import type { ProbeConfigSet, ProbeDataMessage, ProbePostOk, SocketErrorMessage } from '@netwatcher/shared';
import { createAgent, db, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, panelSentinel, panelSocket, pingResult } from './support/sockets';
import { waitUntil } from '@netwatcher/shared/testing';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';

interface EnrolledAgent {
  workspaceId: number;
  agentId: number;
  psk: string;
}

describeOnEachDatabase('agent and panel sockets', (mode) => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  let a1: EnrolledAgent;
  let a2: EnrolledAgent;
  let foreign: EnrolledAgent;
  let pingProbe: number;
  const open: AgentClient[] = [];

  async function enrolled(user: TestUser, workspaceId: number): Promise<EnrolledAgent> {
    const { agent, pin } = await createAgent(user, workspaceId);
    return { workspaceId, agentId: agent.id, psk: await enroll(http, workspaceId, agent.id, pin) };
  }

  async function connected(agent: EnrolledAgent): Promise<AgentClient> {
    const socket = agentSocket(t.url, agent);
    open.push(socket);
    expect(await connectOutcome(socket)).toBe('connected');
    return socket;
  }

  async function post(socket: AgentClient, payload: unknown): Promise<ProbePostOk> {
    const ack = nextEvent<ProbePostOk>(socket, 'probe_post_ok');
    socket.emit('probe_post', payload as never);
    return ack;
  }

  async function storedCount(probeId: number): Promise<number> {
    const res = await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${probeId}&limit=1`);
    expect(res.status).toBe(200);
    return res.body.total;
  }

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    outsider = await registerUser(http, 'outsider');
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(outsider)).id;
    a1 = await enrolled(owner, ws);
    a2 = await enrolled(owner, ws);
    foreign = await enrolled(outsider, otherWs);
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${a1.agentId}/probes`, { type: 'PING', targets: ['127.0.0.1'], count: 4 });
    expect(probe.status).toBe(201);
    pingProbe = probe.body.id;
  });

  afterAll(async () => {
    for (const s of open) s.disconnect();
    await t?.close();
  });

  it('lists a never-connected agent as offline', async () => {
    const fresh = await createAgent(owner, ws);
    const res = await owner.http.get(`/workspaces/${ws}/agents/${fresh.agent.id}`);
    expect(res.body).toMatchObject({ online: false, last_seen_at: null, initialized: false });
  });

  describe('handshake', () => {
    it('refuses missing credentials, a wrong PSK and the PSK of another agent', async () => {
      const none = agentSocket(t.url, { workspaceId: ws, agentId: a1.agentId, psk: '' });
      expect(await connectOutcome(none)).toMatchObject({ code: 'bad_request' });
      const wrong = agentSocket(t.url, { ...a1, psk: 'x'.repeat(43) });
      expect(await connectOutcome(wrong)).toMatchObject({ code: 'unauthorized' });
      const borrowed = agentSocket(t.url, { ...a1, psk: a2.psk });
      expect(await connectOutcome(borrowed)).toMatchObject({ code: 'unauthorized' });
      const crossWorkspace = agentSocket(t.url, { ...foreign, workspaceId: ws });
      expect(await connectOutcome(crossWorkspace)).toMatchObject({ code: 'unauthorized' });
      for (const s of [none, wrong, borrowed, crossWorkspace]) s.disconnect();
    });

    it('accepts the credentials in `auth` for clients that cannot set headers', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(`${t.url}/agent`, {
        path: '/ws',
        transports: ['websocket'],
        reconnection: false,
        auth: { workspace_id: a2.workspaceId, agent_id: a2.agentId, psk: a2.psk },
      });
      expect(await connectOutcome(socket as never)).toBe('connected');
      socket.disconnect();
    });

    it('tells a deleted agent it is gone', async () => {
      const doomed = await enrolled(owner, ws);
      const socket = await connected(doomed);
      const dropped = nextEvent(socket, 'disconnect');
      expect((await owner.http.delete(`/workspaces/${ws}/agents/${doomed.agentId}`)).status).toBe(204);
      await dropped;
      const again = agentSocket(t.url, doomed);
      expect(await connectOutcome(again)).toMatchObject({ code: 'gone' });
      again.disconnect();
    });
  });

  describe('configuration', () => {
    it('answers probe_get with the agent’s probes, defaults included', async () => {
      const socket = await connected(a1);
      const reply = nextEvent<ProbeConfigSet>(socket, 'probe_get');
      socket.emit('probe_get');
      const set = await reply;
      expect(set.probes.map((p) => p.type).sort()).toEqual(['NETINFO', 'PING', 'SYSINFO']);
      expect(set.probes.find((p) => p.id === pingProbe)).toMatchObject({ targets: ['127.0.0.1'], count: 4, enabled: true });
      socket.disconnect();
    });

    it('pushes the new set when a probe is created, changed or deleted, to that agent only', async () => {
      const s1 = await connected(a1);
      const s2 = await connected(a2);
      const othersPushes = collect<ProbeConfigSet>(s2, 'probe_get');
      const created = nextEvent<ProbeConfigSet>(s1, 'probe_get', 1000);
      const res = await owner.http.post(`/workspaces/${ws}/agents/${a1.agentId}/probes`, { type: 'MTR', targets: ['127.0.0.2'] });
      expect((await created).probes.some((p) => p.id === res.body.id)).toBe(true);
      const changed = nextEvent<ProbeConfigSet>(s1, 'probe_get', 1000);
      expect((await owner.http.patch(`/workspaces/${ws}/agents/${a1.agentId}/probes/${res.body.id}`, { enabled: false })).status).toBe(200);
      expect((await changed).probes.find((p) => p.id === res.body.id)?.enabled).toBe(false);
      const deleted = nextEvent<ProbeConfigSet>(s1, 'probe_get', 1000);
      expect((await owner.http.delete(`/workspaces/${ws}/agents/${a1.agentId}/probes/${res.body.id}`)).status).toBe(204);
      expect((await deleted).probes.some((p) => p.id === res.body.id)).toBe(false);
      expect(othersPushes).toHaveLength(0);
      s1.disconnect();
      s2.disconnect();
    });

    it('marks a connecting agent as seen, batched within a couple of seconds', async () => {
      const fresh = await enrolled(owner, ws);
      // Enrollment itself counts as being seen: clear it so only the connection can set it.
      await db(t).query('UPDATE agents SET last_seen_at = NULL WHERE id = $1', [fresh.agentId]);
      const socket = await connected(fresh);
      const seen = await waitUntil('last_seen_at to be set', async () => {
        const row = await db(t).query('SELECT last_seen_at FROM agents WHERE id = $1', [fresh.agentId]);
        return row[0].last_seen_at ?? undefined;
      }, { timeoutMs: 5000 });
      expect(Date.now() - new Date(seen).getTime()).toBeLessThan(10_000);
      socket.disconnect();
    });

    it('records presence and the reported version', async () => {
      const socket = await connected(a2);
      const ack = nextEvent(socket, 'version');
      socket.emit('version', { version: '9.9.9-test' });
      await ack;
      const row = await db(t).query('SELECT version, last_seen_at, initialized FROM agents WHERE id = $1', [a2.agentId]);
      expect(row[0].version).toBe('9.9.9-test');
      expect(row[0].initialized).toBe(true);
      expect(Date.now() - new Date(row[0].last_seen_at).getTime()).toBeLessThan(10_000);
      const listed = await owner.http.get(`/workspaces/${ws}/agents`);
      const online = Object.fromEntries(listed.body.data.map((a: { id: number; online: boolean }) => [a.id, a.online]));
      expect(online[a2.agentId]).toBe(true);
      expect(online[foreign.agentId]).toBeUndefined();
      socket.disconnect();
    });
  });

  describe('results', () => {
    it('stores, acks by id, and ignores a re-delivered id', async () => {
      const socket = await connected(a1);
      const batch = [pingResult(pingProbe), pingResult(pingProbe)];
      const ack = await post(socket, batch);
      expect(ack).toEqual({ ids: batch.map((r) => r.id), rejected: [] });
      expect(await storedCount(pingProbe)).toBe(2);
      const again = await post(socket, [batch[0], batch[1]]);
      expect(again.ids.sort()).toEqual(batch.map((r) => r.id).sort());
      expect(await storedCount(pingProbe)).toBe(2);
      socket.disconnect();
    });

    it('refuses bad results with reasons, stores none of them, and keeps the connection', async () => {
      const socket = await connected(a1);
      const before = await storedCount(pingProbe);
      const foreignProbe = (await db(t).query(`SELECT id FROM probes WHERE agent_id = $1 LIMIT 1`, [foreign.agentId]))[0].id;
      const a2Probe = (await db(t).query(`SELECT id FROM probes WHERE agent_id = $1 LIMIT 1`, [a2.agentId]))[0].id;
      const bad = [
        pingResult(pingProbe, { created_at: 'yesterday' }),
        pingResult(foreignProbe),
        pingResult(a2Probe),
        { ...pingResult(pingProbe), payload: { loss_pct: 400 } },
        'not even an object',
      ];
      const ack = await post(socket, bad);
      expect(ack.ids).toEqual([]);
      expect(ack.rejected).toHaveLength(5);
      expect(ack.rejected[1].error).toMatch(/does not belong to this agent/);
      expect(await storedCount(pingProbe)).toBe(before);

      const refused = nextEvent<SocketErrorMessage>(socket, 'error_message');
      socket.emit('probe_post', Array.from({ length: 501 }, () => pingResult(pingProbe)) as never);
      expect(await refused).toMatchObject({ event: 'probe_post', code: 'bad_request', error: expect.stringMatching(/at most 500/) });

      const versionRefused = nextEvent<SocketErrorMessage>(socket, 'error_message');
      socket.emit('version', { nope: 1 } as never);
      expect((await versionRefused).event).toBe('version');

      // Still connected and still served.
      const good = pingResult(pingProbe);
      expect((await post(socket, good)).ids).toEqual([good.id]);
      socket.disconnect();
    });

    it('closes only the sender of an oversized message', async () => {
      const big = await connected(a1);
      const bystander = await connected(a2);
      const closed = nextEvent(big, 'disconnect');
      big.emit('probe_post', { junk: 'x'.repeat(3 * 1024 * 1024) } as never);
      await closed;
      const a2Probe = (await db(t).query(`SELECT id FROM probes WHERE agent_id = $1 AND type = 'NETINFO'`, [a2.agentId]))[0].id;
      const ok = await post(bystander, {
        id: pingResult(0).id,
        probe_id: a2Probe,
        type: 'NETINFO',
        created_at: new Date().toISOString(),
        payload: { hostname: 'h', interfaces: [], default_gateway: null, dns_servers: [], public_ip: null },
      });
      expect(ok.ids).toHaveLength(1);
      bystander.disconnect();
    });
  });

  describe('panel feed', () => {
    it('needs a valid JWT', async () => {
      const socket = panelSocket(t.url, 'not-a-jwt');
      expect(await connectOutcome(socket)).toMatchObject({ code: 'unauthorized' });
      socket.disconnect();
    });

    it('delivers probe_data only to members of the workspace', async () => {
      const member = panelSocket(t.url, owner.token);
      const stranger = panelSocket(t.url, outsider.token);
      expect(await connectOutcome(member)).toBe('connected');
      expect(await connectOutcome(stranger)).toBe('connected');

      const subscribed = nextEvent(member, 'subscribed');
      member.emit('subscribe', { type: 'subscribe', workspace_id: ws, probe_id: 0 });
      await subscribed;
      const refused = nextEvent<SocketErrorMessage>(stranger, 'error_message');
      stranger.emit('subscribe', { workspace_id: ws, probe_id: 0 });
      expect(await refused).toMatchObject({ code: 'not_found' });
      const leaked = collect<ProbeDataMessage>(stranger, 'probe_data');

      const agent = await connected(a1);
      const result = pingResult(pingProbe);
      const delivered = nextEvent<ProbeDataMessage>(member, 'probe_data');
      await post(agent, result);
      expect(await delivered).toMatchObject({ type: 'probe_data', workspace_id: ws, probe_id: pingProbe, agent_id: a1.agentId, probe_type: 'PING', data: { id: result.id } });
      // A re-delivery is acked but not broadcast twice.
      const echoes = collect<ProbeDataMessage>(member, 'probe_data');
      await post(agent, result);
      const sentinel = await panelSentinel(agent, member, pingProbe);
      expect(echoes.filter((m) => m.data.id !== sentinel)).toHaveLength(0);
      expect(leaked).toHaveLength(0);
      for (const s of [member, stranger, agent]) s.disconnect();
    });

    it('rejects malformed subscriptions without dropping the connection', async () => {
      const socket = panelSocket(t.url, owner.token);
      await connectOutcome(socket);
      const err = nextEvent<SocketErrorMessage>(socket, 'error_message');
      socket.emit('subscribe', { workspace_id: 'one' } as never);
      expect(await err).toMatchObject({ code: 'bad_request' });
      const ok = nextEvent(socket, 'subscribed');
      socket.emit('subscribe', { workspace_id: ws, probe_id: pingProbe });
      await ok;
      socket.disconnect();
    });
  });
});
