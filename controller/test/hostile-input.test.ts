import type { ProbePostOk, SocketErrorMessage } from '@netwatcher/shared';
import { rmSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { agentRow, createAgent, db, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, connectOutcome, nextEvent, pingResult } from './support/sockets';
import { ADMIN_DATABASE_URL, startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

/**
 * Regression tests for the hostile-input findings of issue 10: each `it` is one finding that
 * once got through (a 500, a leak, a double write or a lock-out) and must not again.
 */
const MAX_ATTEMPTS = 3;

function wrong(pin: string): string {
  return (pin[0] === '0' ? '1' : '0') + pin.slice(1);
}

interface EnrolledAgent {
  workspaceId: number;
  agentId: number;
  psk: string;
}

describe('hostile input (issue 10)', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  const open: AgentClient[] = [];

  async function enrolled(workspaceId: number): Promise<EnrolledAgent> {
    const { agent, pin } = await createAgent(owner, workspaceId);
    return { workspaceId, agentId: agent.id, psk: await enroll(http, workspaceId, agent.id, pin) };
  }

  function connect(agent: EnrolledAgent): AgentClient {
    const socket = agentSocket(t.url, agent);
    open.push(socket);
    return socket;
  }

  async function pingProbe(agent: EnrolledAgent): Promise<number> {
    const res = await owner.http.post(`/workspaces/${agent.workspaceId}/agents/${agent.agentId}/probes`, { type: 'PING', targets: ['127.0.0.1'] });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function post(socket: AgentClient, payload: unknown): Promise<ProbePostOk> {
    const ack = nextEvent<ProbePostOk>(socket, 'probe_post_ok');
    socket.emit('probe_post', payload as never);
    return ack;
  }

  beforeAll(async () => {
    // Loopback is a trusted proxy here so X-Forwarded-For can play different source addresses.
    t = await startTestApp('postgres', { PIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS), PIN_LOCK_SECONDS: '300', TRUSTED_PROXIES: '127.0.0.1' });
    http = new Http(t.url);
    owner = await registerUser(http, 'owner');
  });

  let closed = false;
  afterAll(async () => {
    for (const s of open) s.disconnect();
    if (closed) await dropDatabase();
    else await t?.close();
  });

  /** What TestApp.close() does besides closing the app, for the test that closed the app itself. */
  async function dropDatabase(): Promise<void> {
    const name = new URL(t.config.databaseUrl as string).pathname.slice(1);
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    rmSync(t.config.dataDir, { recursive: true, force: true });
  }

  describe('2: a soft-deleted workspace ends its agents', () => {
    it('refuses PSK login, /agent/api, a new socket, and drops the open socket as gone', async () => {
      const ws = (await createWorkspace(owner)).id;
      const agent = await enrolled(ws);
      const socket = connect(agent);
      expect(await connectOutcome(socket)).toBe('connected');
      const dropped = nextEvent<string>(socket, 'disconnect');

      expect((await owner.http.delete(`/workspaces/${ws}`)).status).toBe(204);

      expectError(await http.post('/agent', { workspace_id: ws, agent_id: agent.agentId, psk: agent.psk }), 410, 'workspace_deleted');
      const headers = { 'X-Workspace-ID': String(ws), 'X-Agent-ID': String(agent.agentId), 'X-Agent-PSK': agent.psk };
      expectError(await http.get('/agent/api/whoami', headers), 410, 'workspace_deleted');
      expect(await dropped).toBe('io server disconnect');
      const again = connect(agent);
      expect(await connectOutcome(again)).toMatchObject({ code: 'gone' });
    });

    it('refuses probe_get and probe_post of a socket that raced the deletion', async () => {
      const ws = (await createWorkspace(owner)).id;
      const agent = await enrolled(ws);
      const probeId = await pingProbe(agent);
      const asker = connect(agent);
      const poster = connect(agent);
      expect(await connectOutcome(asker)).toBe('connected');
      expect(await connectOutcome(poster)).toBe('connected');
      // The deletion is written behind the service's back, as another replica would: no event reaches this process.
      await db(t).query('UPDATE workspaces SET deleted_at = now() WHERE id = $1', [ws]);
      const askRefused = nextEvent<SocketErrorMessage>(asker, 'error_message');
      asker.emit('probe_get');
      expect(await askRefused).toMatchObject({ event: 'probe_get', code: 'gone' });
      const postRefused = nextEvent<SocketErrorMessage>(poster, 'error_message');
      poster.emit('probe_post', pingResult(probeId) as never);
      expect(await postRefused).toMatchObject({ event: 'probe_post', code: 'gone' });
    });
  });

  describe('3 and 4: results', () => {
    async function stored(app: INestApplication, probeId: number): Promise<number> {
      const [row] = await app.get(TimeSeriesStore).query<{ n: string }>('SELECT count() AS n FROM probe_results FINAL WHERE probe_id = {p:UInt32}', { p: probeId });
      return Number(row.n);
    }

    it('stores an id once whatever its case, acking it as sent', async () => {
      const ws = (await createWorkspace(owner)).id;
      const agent = await enrolled(ws);
      const probeId = await pingProbe(agent);
      const socket = connect(agent);
      expect(await connectOutcome(socket)).toBe('connected');
      const result = pingResult(probeId);
      const upper = { ...result, id: result.id.toUpperCase() };
      expect((await post(socket, upper)).ids).toEqual([upper.id]);
      expect((await post(socket, result)).ids).toEqual([result.id]);
      expect((await post(socket, [upper, result])).ids).toEqual([upper.id, result.id]);
      expect(await stored(t.app, probeId)).toBe(1);
    });

    it('refuses impossible and out-of-retention timestamps for their sender alone; a 90-day post fails nobody', async () => {
      const ws = (await createWorkspace(owner)).id;
      const [a, b] = [await enrolled(ws), await enrolled(ws)];
      const [pa, pb] = [await pingProbe(a), await pingProbe(b)];
      const [sa, sb] = [connect(a), connect(b)];
      expect(await connectOutcome(sa)).toBe('connected');
      expect(await connectOutcome(sb)).toBe('connected');
      const day = 86_400_000;
      const now = Date.now();
      // One result a day across the whole retention: 90 partitions in one post.
      const spanning = Array.from({ length: 90 }, (_, i) => pingResult(pa, { created_at: new Date(now - i * day - 60_000).toISOString() }));
      const impossible = ['2024-02-30T00:00:00.000Z', '2025-13-01T00:00:00.000Z', `${new Date(now).toISOString().slice(0, 10)}T25:00:00.000Z`];
      const bad = [...impossible.map((created_at) => pingResult(pa, { created_at })), pingResult(pa, { created_at: new Date(now - 120 * day).toISOString() })];
      const other = pingResult(pb);
      const [ackA, ackB] = await Promise.all([post(sa, [...spanning, ...bad]), post(sb, other)]);
      expect(ackB).toEqual({ ids: [other.id], rejected: [] });
      expect(ackA.ids).toEqual(spanning.map((r) => r.id));
      expect(ackA.rejected.map((r) => r.id)).toEqual(bad.map((r) => r.id));
      expect(ackA.rejected[0].error).toMatch(/not a real date/);
      expect(ackA.rejected[3].error).toMatch(/retention/);
      expect(await stored(t.app, pa)).toBe(90);
      expect(await stored(t.app, pb)).toBe(1);
    });
  });

  describe('5: inputs that used to be 500s are 400s in the error shape, and change nothing', () => {
    const nested = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const rows = async (): Promise<number> => {
      const [row] = await db(t).query('SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM workspaces) + (SELECT count(*) FROM agents) AS n');
      return Number(row.n);
    };
    let ws: number;
    let agentId: number;
    let probeId: number;
    beforeAll(async () => {
      ws = (await createWorkspace(owner)).id;
      const agent = await enrolled(ws);
      agentId = agent.agentId;
      probeId = await pingProbe(agent);
    });

    it('refuses unbounded offsets on every list', async () => {
      const lists = ['/workspaces', `/workspaces/${ws}/members`, `/workspaces/${ws}/agents`, `/workspaces/${ws}/agents/${agentId}/probes`, `/workspaces/${ws}/probe-data/find`, `/workspaces/${ws}/probe-data/overview`];
      for (const path of lists) {
        for (const offset of ['1e20', '9223372036854775808', '4294967296', '0x10', '+1', '1.0']) {
          expectError(await owner.http.get(`${path}?offset=${offset}`), 400, 'validation_failed');
        }
        expect((await owner.http.get(`${path}?offset=2147483647`)).status).toBe(200);
      }
    });

    it('refuses NUL in text and JSON fields', async () => {
      const before = await rows();
      expectError(await owner.http.post('/workspaces', { name: 'a\u0000b' }), 400, 'invalid_input');
      expectError(await owner.http.post('/workspaces', { name: 'ok', settings: { note: 'x\u0000' } }), 400, 'invalid_input');
      expectError(await owner.http.post('/workspaces', { name: 'ok', settings: { 'k\u0000': 1 } }), 400, 'invalid_input');
      expectError(await owner.http.patch(`/workspaces/${ws}/agents/${agentId}`, { name: '\u0000' }), 400, 'invalid_input');
      expectError(await http.post('/auth/register', { email: 'nul@example.test', password: 'correct-horse\u0000battery', name: 'n' }), 400, 'invalid_input');
      expectError(await owner.http.get(`/workspaces?q=%00`), 400, 'invalid_input');
      expect(await rows()).toBe(before);
    });

    it('refuses deeply nested bodies, also on the unauthenticated routes', async () => {
      const before = await rows();
      for (const path of ['/auth/register', '/auth/login', '/agent']) {
        expectError(await http.post(path, `{"email":${nested(2000)}}`), 400, 'invalid_input');
      }
      expectError(await owner.http.post('/workspaces', `{"name":"deep","settings":${nested(2000)}}`), 400, 'invalid_input');
      expect(await rows()).toBe(before);
    });

    it('refuses a lone surrogate in an e-mail', async () => {
      const before = await rows();
      expectError(await http.post('/auth/register', `{"email":"a\\ud800@example.test","password":"correct-horse-battery","name":"x"}`), 400, 'invalid_input');
      expectError(await http.post('/auth/login', `{"email":"a\\udc00@example.test","password":"correct-horse-battery"}`), 400, 'invalid_input');
      expect(await rows()).toBe(before);
    });

    it('refuses years 0000 and 9999 and impossible dates on chart and overview', async () => {
      for (const path of [`/workspaces/${ws}/probe-data/probes/${probeId}/chart`, `/workspaces/${ws}/probe-data/overview`]) {
        for (const q of ['from=0000-01-01T00:00:00Z', 'to=9999-12-31T23:59:59Z', 'from=0000-01-01T00:00:00Z&to=9999-12-31T23:59:59Z', 'from=2024-02-30T00:00:00Z']) {
          expectError(await owner.http.get(`${path}?${q}`), 400, 'invalid_time');
        }
        expect((await owner.http.get(`${path}?from=1970-01-01T00:00:00Z&to=2105-12-31T00:00:00Z`)).status).toBe(200);
      }
    });

    it('refuses path ids that only look like numbers', async () => {
      for (const id of ['0x1', '1e0', '%2B1', '1.0', '%201', '01e0']) {
        expectError(await owner.http.get(`/workspaces/${id}`), 400, 'invalid_id');
        expectError(await owner.http.get(`/workspaces/${ws}/agents/${id}`), 400, 'invalid_id');
      }
    });
  });

  describe('7: enrollment', () => {
    it('locks the guessing source, not the operator typing the right PIN elsewhere; the bound holds', async () => {
      const ws = (await createWorkspace(owner)).id;
      const { agent, pin } = await createAgent(owner, ws);
      const from = (ip: string) => ({ 'X-Forwarded-For': ip });
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        expectError(await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin: wrong(pin) }, from('203.0.113.7')), 401);
      }
      expect((await agentRow(t, agent.id)).pin_locked_until).not.toBeNull();
      // The guessing source is locked even for the right PIN.
      expectError(await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin }, from('203.0.113.7')), 429, 'pin_locked');
      // Fresh sources share one allowance of MAX_ATTEMPTS per lock: the brute-force bound stays 2 × MAX_ATTEMPTS.
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        expectError(await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin: wrong(pin) }, from(`198.51.100.${i + 1}`)), 401);
      }
      expectError(await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin: wrong(pin) }, from('198.51.100.99')), 429, 'pin_locked');
      expect((await agentRow(t, agent.id)).psk_hash).toBeNull();
    });

    it('lets the right PIN from another source through while the agent is locked', async () => {
      const ws = (await createWorkspace(owner)).id;
      const { agent, pin } = await createAgent(owner, ws);
      for (let i = 0; i < MAX_ATTEMPTS; i++) {
        await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin: wrong(pin) }, { 'X-Forwarded-For': '203.0.113.8' });
      }
      const res = await http.post('/agent', { workspace_id: ws, agent_id: agent.id, pin }, { 'X-Forwarded-For': '192.0.2.10' });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('success');
      expect(await agentRow(t, agent.id)).toMatchObject({ pin_failed_attempts: 0, pin_locked_until: null, initialized: true });
    });

    it('answers a deleted agent, an agent of a deleted workspace and an unknown agent alike until the PSK is right', async () => {
      const ws = (await createWorkspace(owner)).id;
      const deletedAgent = await createAgent(owner, ws);
      const deletedWs = (await createWorkspace(owner)).id;
      const orphan = await createAgent(owner, deletedWs);
      expect((await owner.http.delete(`/workspaces/${ws}/agents/${deletedAgent.agent.id}`)).status).toBe(204);
      expect((await owner.http.delete(`/workspaces/${deletedWs}`)).status).toBe(204);
      const answers = await Promise.all([
        http.post('/agent', { workspace_id: ws, agent_id: deletedAgent.agent.id, pin: deletedAgent.pin }),
        http.post('/agent', { workspace_id: deletedWs, agent_id: orphan.agent.id, pin: orphan.pin }),
        http.post('/agent', { workspace_id: ws, agent_id: 2_000_000_002, pin: deletedAgent.pin }),
        http.post('/agent', { workspace_id: ws, agent_id: deletedAgent.agent.id, psk: 'x'.repeat(43) }),
        http.post('/agent', { workspace_id: ws, agent_id: 2_000_000_002, psk: 'x'.repeat(43) }),
      ]);
      for (const res of answers) expectError(res, 401, 'invalid_agent_credentials');
      expect(new Set(answers.map((r) => r.body.error)).size).toBe(1);
    });
  });

  // Last: this one restarts the controller on the same databases.
  describe('3: after a restart', () => {
    it('still recognises a re-delivered id in another case, so it is stored once', async () => {
      const ws = (await createWorkspace(owner)).id;
      const agent = await enrolled(ws);
      const probeId = await pingProbe(agent);
      const first = connect(agent);
      expect(await connectOutcome(first)).toBe('connected');
      // Measured a minute ago: after the restart it cannot count as fresh, so the store is asked.
      const result = pingResult(probeId, { created_at: new Date(Date.now() - 60_000).toISOString() });
      expect((await post(first, result)).ids).toEqual([result.id]);
      first.disconnect();
      closed = true;
      await t.app.close();

      const restarted = await createApp(t.config);
      try {
        await restarted.listen(0, '127.0.0.1');
        const again = agentSocket((await restarted.getUrl()).replace('[::1]', '127.0.0.1'), agent);
        open.push(again);
        expect(await connectOutcome(again)).toBe('connected');
        const upper = { ...result, id: result.id.toUpperCase() };
        expect((await post(again, upper)).ids).toEqual([upper.id]);
        const [row] = await restarted.get(TimeSeriesStore).query<{ n: string }>('SELECT count() AS n FROM probe_results WHERE probe_id = {p:UInt32}', { p: probeId });
        expect(Number(row.n)).toBe(1);
        again.disconnect();
      } finally {
        await restarted.close();
      }
    });
  });
});
