import { randomUUID } from 'node:crypto';
import type { ProbeChange } from '../src/events/domain-events';
import { DomainEventBus } from '../src/events/event-bus';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { agentRow, createAgent, db, probeRows, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { expectError, ISO_MS } from './support/workspace-members';

const AGENT_KEYS = [
  'created_at',
  'description',
  'id',
  'initialized',
  'labels',
  'last_seen_at',
  'location',
  'metadata',
  'name',
  'online',
  'public_ip_override',
  'updated_at',
  'version',
  'workspace_id',
].sort();

describeOnEachDatabase('agents REST', (mode) => {
  let t: TestApp;
  let http: Http;
  let f: RoleFixture;

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
    f = await workspaceWithRoles(http);
  });
  afterAll(async () => {
    await t?.close();
  });

  const agentsPath = (ws = f.ws) => `/workspaces/${ws}/agents`;

  describe('create', () => {
    it('creates an agent with a PIN and its default NETINFO and SYSINFO probes', async () => {
      const res = await f.user.http.post(agentsPath(), {
        name: '  Office Router ',
        description: 'Main office',
        location: 'Vancouver, BC',
        public_ip_override: '203.0.113.7',
        version: '',
        pinLength: 12,
        pinTTLSeconds: 600,
        labels: { env: 'prod' },
        metadata: { rack: 3 },
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(['agent', 'install_command', 'pin']);
      expect(res.body.pin).toMatch(/^\d{12}$/);
      const agent = res.body.agent;
      expect(res.body.install_command).toMatch(
        new RegExp(`^curl -fsSL http://127\\.0\\.0\\.1:\\d+/install\\.sh \\| sudo sh -s -- --workspace ${f.ws} --agent ${agent.id} --pin ${res.body.pin} --insecure$`),
      );
      expect(Object.keys(agent).sort()).toEqual(AGENT_KEYS);
      expect(agent).toMatchObject({
        workspace_id: f.ws,
        name: 'Office Router',
        description: 'Main office',
        location: 'Vancouver, BC',
        public_ip_override: '203.0.113.7',
        version: '',
        last_seen_at: null,
        online: false,
        initialized: false,
        labels: { env: 'prod' },
        metadata: { rack: 3 },
      });
      expect(agent.created_at).toMatch(ISO_MS);

      const probes = await probeRows(t, agent.id);
      expect(probes.map((p) => [p.type, p.interval_sec, p.timeout_sec, p.enabled, p.workspace_id])).toEqual([
        ['NETINFO', 300, 30, true, f.ws],
        ['SYSINFO', 3600, 30, true, f.ws],
      ]);

      const row = await agentRow(t, agent.id);
      const expiresIn = (new Date(row.pin_expires_at as string).getTime() - Date.now()) / 1000;
      expect(expiresIn).toBeGreaterThan(590);
      expect(expiresIn).toBeLessThanOrEqual(601);
    });

    it('uses a 9-digit PIN valid for an hour by default', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expect(pin).toMatch(/^\d{9}$/);
      const row = await agentRow(t, agent.id);
      const expiresIn = (new Date(row.pin_expires_at as string).getTime() - Date.now()) / 1000;
      expect(expiresIn).toBeGreaterThan(3590);
    });

    it.each([
      [{}, /name/],
      [{ name: '' }, /name must be 1 to 100/],
      [{ name: '   ' }, /name must be 1 to 100/],
      [{ name: 'x'.repeat(101) }, /name must be 1 to 100/],
      [{ name: 'a', public_ip_override: 'not-an-ip' }, /public_ip_override must be empty or a valid IPv4\/IPv6/],
      [{ name: 'a', public_ip_override: '300.1.1.1' }, /public_ip_override/],
      [{ name: 'a', labels: ['x'] }, /labels must be a JSON object/],
      [{ name: 'a', metadata: 'x' }, /metadata must be a JSON object/],
      [{ name: 'a', labels: null }, /labels/],
      [{ name: 'a', pinLength: 5 }, /pinLength must be a whole number between 6 and 16/],
      [{ name: 'a', pinLength: 17 }, /pinLength/],
      [{ name: 'a', pinTTLSeconds: 59 }, /pinTTLSeconds must be a whole number of seconds between 60 and 604800/],
      [{ name: 'a', pinTTLSeconds: 604_801 }, /pinTTLSeconds/],
      [{ name: 'a', psk: 'x' }, /psk: unknown field/],
    ])('refuses %j with 400 and writes nothing', async (body, message) => {
      const [before] = await db(t).query('SELECT count(*)::int AS n FROM agents');
      const res = await f.user.http.post(agentsPath(), body);
      expectError(res, 400, 'validation_failed', message);
      const [after] = await db(t).query('SELECT count(*)::int AS n FROM agents');
      expect(after.n).toBe(before.n);
    });

    it('accepts an IPv6 override and an empty one', async () => {
      expect((await createAgent(f.user, f.ws, { public_ip_override: '2001:db8::1' })).agent.public_ip_override).toBe('2001:db8::1');
      expect((await createAgent(f.user, f.ws, { public_ip_override: '' })).agent.public_ip_override).toBe('');
    });

    it('needs a token, and membership of the workspace', async () => {
      expectError(await http.post(agentsPath(), { name: 'a' }), 401);
      expectError(await f.outsider.http.post(agentsPath(), { name: 'a' }), 404, 'not_found');
    });
  });

  describe('list and get', () => {
    it('lists the workspace agents in the envelope, paginated, for any member', async () => {
      const a = await createAgent(f.user, f.ws);
      const b = await createAgent(f.user, f.ws);
      const all = await f.user.http.get(`${agentsPath()}?limit=200`);
      expect(all.status).toBe(200);
      expect(Object.keys(all.body).sort()).toEqual(['data', 'limit', 'offset', 'total']);
      expect(all.body.limit).toBe(200);
      const ids = all.body.data.map((x: any) => x.id);
      expect(ids).toEqual(expect.arrayContaining([a.agent.id, b.agent.id]));
      expect(all.body.total).toBe(ids.length);
      for (const item of all.body.data) expect(Object.keys(item).sort()).toEqual(AGENT_KEYS);

      const page = await f.user.http.get(`${agentsPath()}?limit=1&offset=1`);
      expect(page.body).toMatchObject({ total: all.body.total, limit: 1, offset: 1 });
      expect(page.body.data).toEqual([all.body.data[1]]);

      expectError(await f.user.http.get(`${agentsPath()}?limit=0`), 400, 'validation_failed');
      expectError(await f.user.http.get(`${agentsPath()}?limit=201`), 400, 'validation_failed');
    });

    it('gets one agent; a malformed id is 400, an unknown one 404', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const res = await f.user.http.get(`${agentsPath()}/${agent.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(agent);
      expectError(await f.user.http.get(`${agentsPath()}/abc`), 400, 'invalid_id');
      expectError(await f.user.http.get(`${agentsPath()}/99999999`), 404, 'not_found', /agent not found/);
    });
  });

  describe('update', () => {
    it('changes the editable fields for a USER', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const res = await f.user.http.patch(`${agentsPath()}/${agent.id}`, {
        name: 'Renamed',
        description: 'new',
        location: 'Seattle',
        public_ip_override: '198.51.100.1',
        labels: { env: 'production' },
        metadata: { k: 'v' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: agent.id,
        name: 'Renamed',
        description: 'new',
        location: 'Seattle',
        public_ip_override: '198.51.100.1',
        labels: { env: 'production' },
        metadata: { k: 'v' },
      });
      expect(new Date(res.body.updated_at).getTime()).toBeGreaterThanOrEqual(new Date(agent.updated_at).getTime());
      expect((await f.user.http.get(`${agentsPath()}/${agent.id}`)).body).toEqual(res.body);
    });

    it('refuses an empty or invalid change and keeps the agent as it was', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, {}), 400, 'empty_update');
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, { name: '' }), 400, 'validation_failed');
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, { name: null }), 400, 'validation_failed');
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, { public_ip_override: 'x' }), 400, 'validation_failed');
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, { initialized: true }), 400, 'validation_failed', /initialized: unknown field/);
      expectError(await f.user.http.patch(`${agentsPath()}/${agent.id}`, { version: '9' }), 400, 'validation_failed');
      expect((await f.user.http.get(`${agentsPath()}/${agent.id}`)).body).toEqual(agent);
    });
  });

  describe('delete', () => {
    it('needs ADMIN: a USER gets 403 and the agent stays', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      expectError(await f.user.http.delete(`${agentsPath()}/${agent.id}`), 403, 'role_too_low');
      expect((await f.user.http.get(`${agentsPath()}/${agent.id}`)).status).toBe(200);
    });

    it('soft-deletes for an ADMIN: 204, then the agent is 404 everywhere and gone from the list', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const res = await f.admin.http.delete(`${agentsPath()}/${agent.id}`);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      const row = await agentRow(t, agent.id);
      expect(row.deleted_at).not.toBeNull();
      expect(row.pin_hash).toBeNull();
      const p = `${agentsPath()}/${agent.id}`;
      expectError(await f.user.http.get(p), 404, 'not_found');
      expectError(await f.user.http.patch(p, { name: 'x' }), 404, 'not_found');
      expectError(await f.admin.http.delete(p), 404, 'not_found');
      expectError(await f.user.http.post(`${p}/heartbeat`), 404, 'not_found');
      expectError(await f.admin.http.post(`${p}/issue-pin`, {}), 404, 'not_found');
      expectError(await f.user.http.get(`${p}/netinfo`), 404, 'not_found');
      expectError(await f.user.http.get(`${p}/probes`), 404, 'not_found');
      const list = await f.user.http.get(`${agentsPath()}?limit=200`);
      expect(list.body.data.map((a: any) => a.id)).not.toContain(agent.id);
    });

    it('tells the deleted agent and the agents whose probes target it to re-fetch', async () => {
      const { agent: gone } = await createAgent(f.user, f.ws);
      const { agent: watcher } = await createAgent(f.user, f.ws);
      const { agent: bystander } = await createAgent(f.user, f.ws);
      const probe = await f.user.http.post(`${agentsPath()}/${watcher.id}/probes`, { type: 'AGENT', agent_targets: [gone.id] });
      expect(probe.status).toBe(201);
      const seen: ProbeChange[] = [];
      const off = t.app.get(DomainEventBus).on('probe.changed', (c) => void seen.push(c));
      try {
        expect((await f.owner.http.delete(`${agentsPath()}/${gone.id}`)).status).toBe(204);
      } finally {
        off();
      }
      expect(seen.map((c) => c.agentId).sort()).toEqual([gone.id, watcher.id].sort());
      expect(seen.every((c) => c.workspaceId === f.ws)).toBe(true);
      expect(seen.map((c) => c.agentId)).not.toContain(bystander.id);
    });
  });

  describe('heartbeat', () => {
    it('sets last_seen_at for a USER without touching updated_at', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const res = await f.user.http.post(`${agentsPath()}/${agent.id}/heartbeat`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true, ts: expect.stringMatching(ISO_MS) });
      expect(Math.abs(new Date(res.body.ts).getTime() - Date.now())).toBeLessThan(10_000);
      const after = (await f.user.http.get(`${agentsPath()}/${agent.id}`)).body;
      expect(after.last_seen_at).toBe(res.body.ts);
      expect(after.updated_at).toBe(agent.updated_at);
    });
  });

  describe('issue-pin', () => {
    it('needs ADMIN', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      expectError(await f.user.http.post(`${agentsPath()}/${agent.id}/issue-pin`, {}), 403, 'role_too_low');
    });

    it('returns a new PIN of the requested length and refuses bad bounds', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const res = await f.admin.http.post(`${agentsPath()}/${agent.id}/issue-pin`, { pinLength: 6, ttlSeconds: 60 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ pin: expect.stringMatching(/^\d{6}$/) });
      expect((await f.admin.http.post(`${agentsPath()}/${agent.id}/issue-pin`, {})).body.pin).toMatch(/^\d{9}$/);
      expectError(await f.admin.http.post(`${agentsPath()}/${agent.id}/issue-pin`, { pinLength: 20 }), 400, 'validation_failed');
      expectError(await f.admin.http.post(`${agentsPath()}/${agent.id}/issue-pin`, { ttlSeconds: 10 }), 400, 'validation_failed');
      expectError(await f.admin.http.post(`${agentsPath()}/${agent.id}/issue-pin`, { pinTTLSeconds: 600 }), 400, 'validation_failed');
    });
  });

  describe('netinfo and sysinfo', () => {
    it('answer nulls before the agent has reported', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      for (const kind of ['netinfo', 'sysinfo']) {
        const res = await f.user.http.get(`${agentsPath()}/${agent.id}/${kind}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ agent_id: agent.id, reported_at: null, data: null });
      }
    });

    it('return the latest report of the right type, agent and workspace', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const { agent: other } = await createAgent(f.user, f.ws);
      const row = (agentId: number, type: string, at: string, payload: unknown, workspaceId = f.ws) => ({
        id: randomUUID(),
        workspace_id: workspaceId,
        probe_id: 1,
        agent_id: agentId,
        probe_agent_id: agentId,
        type,
        target: '',
        target_agent: 0,
        triggered: false,
        triggered_reason: '',
        created_at: at,
        payload: JSON.stringify(payload),
      });
      // Recent times: the table's 90-day TTL drops older rows on insert.
      const now = Date.now();
      const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
      await t.app.get(TimeSeriesStore).insert('probe_results', [
        row(agent.id, 'NETINFO', hoursAgo(5), { hostname: 'old' }),
        row(agent.id, 'NETINFO', hoursAgo(4), { hostname: 'new', public_ip: '203.0.113.9' }),
        row(agent.id, 'SYSINFO', hoursAgo(3), { hostname: 'sys' }),
        row(other.id, 'NETINFO', hoursAgo(2), { hostname: 'other agent' }),
        row(agent.id, 'NETINFO', hoursAgo(1), { hostname: 'other workspace' }, f.otherWs),
      ]);
      const net = await f.user.http.get(`${agentsPath()}/${agent.id}/netinfo`);
      expect(net.status).toBe(200);
      expect(net.body).toEqual({
        agent_id: agent.id,
        reported_at: hoursAgo(4),
        data: { hostname: 'new', public_ip: '203.0.113.9' },
      });
      const sys = await f.user.http.get(`${agentsPath()}/${agent.id}/sysinfo`);
      expect(sys.body).toEqual({ agent_id: agent.id, reported_at: hoursAgo(3), data: { hostname: 'sys' } });
    });
  });

  describe('workspace isolation', () => {
    it('answers 404 on every agent endpoint to members of another workspace, and leaves the agent unchanged', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const { agent: theirs } = await createAgent(f.outsider, f.otherWs);
      const before = await agentRow(t, agent.id);
      const theirsBefore = await agentRow(t, theirs.id);

      // The outsider addressing our workspace, and a member of ours addressing their agent through our workspace.
      const attempts: Array<[Http, string]> = [
        [f.outsider.http, `/workspaces/${f.ws}/agents/${agent.id}`],
        [f.owner.http, `/workspaces/${f.ws}/agents/${theirs.id}`],
        [f.owner.http, `/workspaces/${f.otherWs}/agents/${theirs.id}`],
      ];
      for (const [client, p] of attempts) {
        expectError(await client.get(p), 404, 'not_found');
        expectError(await client.patch(p, { name: 'hijacked' }), 404, 'not_found');
        expectError(await client.delete(p), 404, 'not_found');
        expectError(await client.post(`${p}/heartbeat`), 404, 'not_found');
        expectError(await client.post(`${p}/issue-pin`, {}), 404, 'not_found');
        expectError(await client.get(`${p}/netinfo`), 404, 'not_found');
        expectError(await client.get(`${p}/sysinfo`), 404, 'not_found');
      }
      expectError(await f.outsider.http.get(`/workspaces/${f.ws}/agents`), 404, 'not_found');
      expectError(await f.outsider.http.post(`/workspaces/${f.ws}/agents`, { name: 'x' }), 404, 'not_found');
      expectError(await f.owner.http.get(`/workspaces/${f.otherWs}/agents`), 404, 'not_found');

      expect(await agentRow(t, agent.id)).toEqual(before);
      expect(await agentRow(t, theirs.id)).toEqual(theirsBefore);
    });
  });
});
