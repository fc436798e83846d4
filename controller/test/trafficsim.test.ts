import type { ProbeConfig, ProbeConfigSet } from '@netwatcher/shared';
import { ProbeChartRepository } from '../src/probe-results/probe-chart.repository';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { probeResultRow } from './fixtures';
import { countProbes, createAgent, db, enroll, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { agentSocket, AgentClient, connectOutcome, nextEvent } from './support/sockets';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

interface Enrolled {
  workspaceId: number;
  agentId: number;
  psk: string;
}

/**
 * TRAFFICSIM configuration: validation (documented 400s, nothing stored), the pair keys the
 * controller makes and hands to both agents in probe_get (the same key, never in a REST view),
 * rotation when the pair changes, and the AGENT plan's TRAFFICSIM peers.
 */
describeOnEachDatabase('TRAFFICSIM pairs', (mode) => {
  let t: TestApp;
  let http: Http;
  let f: RoleFixture;
  let client: Enrolled;
  let server: Enrolled;
  let server2: Enrolled;
  let plain: Enrolled;
  let foreign: Enrolled;
  const open: AgentClient[] = [];

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
    f = await workspaceWithRoles(http);
    const enrolled = async (ws: number, by = f.user): Promise<Enrolled> => {
      const { agent, pin } = await createAgent(by, ws);
      return { workspaceId: ws, agentId: agent.id, psk: await enroll(http, ws, agent.id, pin) };
    };
    [client, server, server2, plain] = await Promise.all([enrolled(f.ws), enrolled(f.ws), enrolled(f.ws), enrolled(f.ws)]);
    foreign = await enrolled(f.otherWs, f.outsider);
    // A server in the other workspace: the client's workspace must still refuse to pair with it.
    expect((await f.outsider.http.post(probesPath(foreign.agentId, f.otherWs), { type: 'TRAFFICSIM', server: true })).status).toBe(201);
  });
  afterAll(async () => {
    for (const s of open) s.disconnect();
    await t?.close();
  });

  const probesPath = (agentId: number, ws = f.ws) => `/workspaces/${ws}/agents/${agentId}/probes`;

  async function connected(agent: Enrolled): Promise<AgentClient> {
    const socket = agentSocket(t.url, agent);
    open.push(socket);
    expect(await connectOutcome(socket)).toBe('connected');
    return socket;
  }

  async function configOf(socket: AgentClient): Promise<ProbeConfigSet> {
    const reply = nextEvent<ProbeConfigSet>(socket, 'probe_get');
    socket.emit('probe_get');
    return reply;
  }

  const probeIn = (set: ProbeConfigSet, id: number): ProbeConfig | undefined => set.probes.find((p) => p.id === id);

  async function keyCount(): Promise<number> {
    const [row] = await db(t).query('SELECT count(*)::int AS n FROM trafficsim_keys WHERE workspace_id = $1', [f.ws]);
    return Number(row.n);
  }

  describe('validation', () => {
    it.each([
      ['a server port below 1024', { type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 80 } } }, /port must be a whole number between 1024 and 65535/],
      ['a server port above 65535', { type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 70_000 } } }, /port must be/],
      ['a rate of 0', { type: 'TRAFFICSIM', targets: ['10.0.0.1:50505'], metadata: { trafficsim: { rate_pps: 0 } } }, /rate_pps must be/],
      ['a packet too large', { type: 'TRAFFICSIM', targets: ['10.0.0.1:50505'], metadata: { trafficsim: { packet_size: 9000 } } }, /packet_size must be/],
      ['a host:port with a low port', { type: 'TRAFFICSIM', targets: ['10.0.0.1:53'] }, /port must be 1024–65535/],
      ['trafficsim settings on a PING probe', { type: 'PING', targets: ['10.0.0.1'], metadata: { trafficsim: { rate_pps: 5 } } }, /only applies to TRAFFICSIM/],
    ])('refuses %s with 400 invalid_probe and stores nothing', async (_name, body, message) => {
      const before = await countProbes(t, f.ws);
      expectError(await f.user.http.post(probesPath(client.agentId), body), 400, 'invalid_probe', message);
      expect(await countProbes(t, f.ws)).toBe(before);
    });

    it('refuses a client toward an agent that runs no server, or one of another workspace', async () => {
      const before = await countProbes(t, f.ws);
      expectError(
        await f.user.http.post(probesPath(client.agentId), { type: 'TRAFFICSIM', agent_targets: [plain.agentId] }),
        400,
        'invalid_probe',
        new RegExp(`agent ${plain.agentId} runs no TRAFFICSIM server`),
      );
      expectError(
        await f.user.http.post(probesPath(client.agentId), { type: 'TRAFFICSIM', agent_targets: [foreign.agentId] }),
        400,
        'invalid_probe',
        new RegExp(`no agent ${foreign.agentId} in this workspace`),
      );
      expect(await countProbes(t, f.ws)).toBe(before);
      expect(await keyCount()).toBe(0);
    });
  });

  it('rolls TRAFFICSIM results up hourly like PING (migration 0006), so long charts have them', async () => {
    const store = t.app.get(TimeSeriesStore);
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    const base = { workspace_id: f.ws, probe_id: 999_001, agent_id: client.agentId, probe_agent_id: client.agentId, type: 'TRAFFICSIM', target: '10.0.0.2:50505' };
    await store.insert('probe_results', [10, 20, 30].map((rtt, i) => probeResultRow(hour + i * 60_000, rtt, { ...base, loss_pct: 10 * i, mos: 4 })));
    const repo = new ProbeChartRepository(store);
    const filter = { workspaceId: f.ws, probeId: 999_001, type: 'TRAFFICSIM', from: new Date(hour), to: new Date(hour + 3_600_000), bucketSeconds: 3600 };
    const raw = await repo.series(filter, 'raw');
    const rolled = await repo.series(filter, 'rollup_1h');
    expect(raw).toHaveLength(1);
    expect(rolled.map((r) => [r.samples, r.rtt_min_ms, r.rtt_max_ms])).toEqual([[3, 9, 31]]);
    expect(rolled[0].loss_pct).toBeCloseTo(10, 9);
    expect(rolled[0].rtt_avg_ms).toBeCloseTo(raw[0].rtt_avg_ms as number, 9);
  });

  describe('pair keys', () => {
    let serverProbe: number;
    let clientProbe: number;

    it('hands the same key to the client and to its server, and pushes the server its new client', async () => {
      const created = await f.user.http.post(probesPath(server.agentId), { type: 'TRAFFICSIM', server: true, metadata: { trafficsim: { port: 40_123 } } });
      expect(created.status).toBe(201);
      serverProbe = created.body.id;
      expect(created.body.metadata).toEqual({ trafficsim: { port: 40_123 } });

      const serverSocket = await connected(server);
      const clientSocket = await connected(client);
      const pushed = nextEvent<ProbeConfigSet>(serverSocket, 'probe_get', 3000);
      const res = await f.user.http.post(probesPath(client.agentId), {
        type: 'TRAFFICSIM', agent_targets: [server.agentId], duration_sec: 10, metadata: { trafficsim: { rate_pps: 20 } },
      });
      expect(res.status).toBe(201);
      clientProbe = res.body.id;
      expect(res.body.metadata).toEqual({ trafficsim: { rate_pps: 20, packet_size: 200 } });

      const serverSide = probeIn(await pushed, serverProbe)?.trafficsim;
      const clientSide = probeIn(await configOf(clientSocket), clientProbe)?.trafficsim;
      expect(clientSide).toMatchObject({ rate_pps: 20, packet_size: 200, peer: { agent_id: server.agentId, port: 40_123, key_id: expect.any(Number) } });
      expect(clientSide?.peer?.key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(serverSide?.clients).toEqual([{ key_id: clientSide?.peer?.key_id, key: clientSide?.peer?.key }]);
      // A second fetch hands out the same key, not a new one.
      expect(probeIn(await configOf(clientSocket), clientProbe)?.trafficsim?.peer?.key).toBe(clientSide?.peer?.key);
    });

    it('never shows a key in the REST views', async () => {
      const [row] = await db(t).query('SELECT secret FROM trafficsim_keys WHERE client_probe_id = $1', [clientProbe]);
      expect(row.secret).toMatch(/=$/);
      for (const agentId of [client.agentId, server.agentId]) {
        const list = await f.user.http.get(probesPath(agentId));
        expect(list.status).toBe(200);
        expect(JSON.stringify(list.body)).not.toContain(row.secret);
        expect(JSON.stringify(list.body)).not.toMatch(/"key"|key_id|secret/);
      }
      const one = await f.user.http.get(`${probesPath(client.agentId)}/${clientProbe}`);
      expect(JSON.stringify(one.body)).not.toContain(row.secret);
    });

    it('rotates the key when the pair changes: another server, a new key; the old server forgets it', async () => {
      const other = await f.user.http.post(probesPath(server2.agentId), { type: 'TRAFFICSIM', server: true });
      expect(other.status).toBe(201);
      const clientSocket = await connected(client);
      const serverSocket = await connected(server);
      const before = probeIn(await configOf(clientSocket), clientProbe)?.trafficsim?.peer;

      const patched = await f.user.http.patch(`${probesPath(client.agentId)}/${clientProbe}`, { agent_targets: [server2.agentId] });
      expect(patched.status).toBe(200);
      const after = probeIn(await configOf(clientSocket), clientProbe)?.trafficsim?.peer;
      expect(after).toMatchObject({ agent_id: server2.agentId, port: 50_505 });
      expect(after?.key_id).not.toBe(before?.key_id);
      expect(after?.key).not.toBe(before?.key);
      expect(probeIn(await configOf(serverSocket), serverProbe)?.trafficsim?.clients).toEqual([]);
      const s2 = probeIn(await configOf(await connected(server2)), other.body.id)?.trafficsim?.clients;
      expect(s2).toEqual([{ key_id: after?.key_id, key: after?.key }]);
    });

    it('gives an AGENT probe a TRAFFICSIM peer for a target that serves, with a key its server accepts', async () => {
      const res = await f.user.http.post(probesPath(plain.agentId), { type: 'AGENT', agent_targets: [server.agentId, client.agentId] });
      expect(res.status).toBe(201);
      const plan = probeIn(await configOf(await connected(plain)), res.body.id)?.trafficsim;
      expect(plan?.peers).toEqual([{ agent_id: server.agentId, address: null, port: 40_123, key_id: expect.any(Number), key: expect.any(String) }]);
      const clients = probeIn(await configOf(await connected(server)), serverProbe)?.trafficsim?.clients;
      expect(clients).toContainEqual({ key_id: plan?.peers?.[0].key_id, key: plan?.peers?.[0].key });
    });

    it('ends the pairs of a deleted server: the client keeps no peer and the keys are gone', async () => {
      const [{ n: before }] = await db(t).query('SELECT count(*)::int AS n FROM trafficsim_keys WHERE server_agent_id = $1', [server.agentId]);
      expect(Number(before)).toBeGreaterThan(0);
      expect((await f.user.http.delete(`${probesPath(server.agentId)}/${serverProbe}`)).status).toBe(204);
      const [{ n: after }] = await db(t).query('SELECT count(*)::int AS n FROM trafficsim_keys WHERE server_agent_id = $1', [server.agentId]);
      expect(Number(after)).toBe(0);
      const agentPlan = await configOf(await connected(plain));
      expect(agentPlan.probes.find((p) => p.type === 'AGENT')?.trafficsim).toBeUndefined();
    });

    it('pairs a host:port client with every server of its workspace, and only of its workspace', async () => {
      const res = await f.user.http.post(probesPath(plain.agentId), { type: 'TRAFFICSIM', targets: ['10.9.9.9:41000'] });
      expect(res.status).toBe(201);
      const peer = probeIn(await configOf(await connected(plain)), res.body.id)?.trafficsim?.peer;
      expect(peer).toMatchObject({ agent_id: null, address: '10.9.9.9', port: 41_000 });
      const serverSet = await configOf(await connected(server2));
      expect(serverSet.probes.find((p) => p.server)?.trafficsim?.clients).toContainEqual({ key_id: peer?.key_id, key: peer?.key });
      const foreignSet = await configOf(await connected(foreign));
      expect(JSON.stringify(foreignSet)).not.toContain(peer?.key as string);
    });

    it('survives a workspace export and import: servers are made before their clients, no key travels', async () => {
      const passphrase = 'trafficsim-passphrase';
      const exported = await f.admin.http.post(`/workspaces/${f.ws}/export`, { passphrase });
      expect(exported.status).toBe(200);
      const ws2 = (await f.owner.http.post('/workspaces', { name: 'imported' })).body.id as number;
      const imported = await f.owner.http.post(`/workspaces/${ws2}/import`, { passphrase, file: exported.body });
      expect(imported.status).toBe(200);
      const [{ n }] = await db(t).query(
        `SELECT count(*)::int AS n FROM probes WHERE workspace_id = $1 AND type = 'TRAFFICSIM' AND NOT server AND jsonb_array_length(agent_targets) = 1`,
        [ws2],
      );
      expect(Number(n)).toBe(1);
      // Keys are never exported: whatever pairs the new workspace has get keys of their own.
      const secrets = async (ws: number) => (await db(t).query('SELECT secret FROM trafficsim_keys WHERE workspace_id = $1', [ws])).map((r: { secret: string }) => r.secret);
      const old = new Set(await secrets(f.ws));
      expect((await secrets(ws2)).filter((s: string) => old.has(s))).toEqual([]);
    });

    it('tells a server when a paired client agent is deleted, and drops that client from its keys', async () => {
      const serverSocket = await connected(server2);
      const serverProbeId = (await configOf(serverSocket)).probes.find((p) => p.server)?.id as number;
      const before = probeIn(await configOf(serverSocket), serverProbeId)?.trafficsim?.clients ?? [];
      const plainProbe = (await f.user.http.get(probesPath(plain.agentId))).body.data.find((p: { type: string; server: boolean }) => p.type === 'TRAFFICSIM' && !p.server);
      const [{ id: plainKey }] = await db(t).query('SELECT id FROM trafficsim_keys WHERE client_probe_id = $1', [plainProbe.id]);
      expect(before.map((k) => k.key_id)).toContain(Number(plainKey));
      const pushed = nextEvent<ProbeConfigSet>(serverSocket, 'probe_get', 3000);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${plain.agentId}`)).status).toBe(204);
      const after = probeIn(await pushed, serverProbeId)?.trafficsim?.clients ?? [];
      expect(after.map((k) => k.key_id)).not.toContain(Number(plainKey));
      expect(after).toHaveLength(before.length - 1);
    });
  });
});
