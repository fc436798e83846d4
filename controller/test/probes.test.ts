import type { ProbeChange } from '../src/events/domain-events';
import { DomainEventBus } from '../src/events/event-bus';
import { countProbes, createAgent, db, probeRows, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { expectError, ISO_MS } from './support/workspace-members';

const PROBE_KEYS = [
  'agent_targets',
  'count',
  'created_at',
  'duration_sec',
  'enabled',
  'id',
  'interval_sec',
  'labels',
  'metadata',
  'reverse_of_probe_id',
  'server',
  'targets',
  'timeout_sec',
  'type',
  'updated_at',
  'workspace_id',
].sort();

describeOnEachDatabase('probes REST', (mode) => {
  let t: TestApp;
  let http: Http;
  let f: RoleFixture;
  let a: number;
  let b: number;
  let c: number;
  let theirs: number;

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
    f = await workspaceWithRoles(http);
    [a, b, c] = await Promise.all([1, 2, 3].map(async () => (await createAgent(f.user, f.ws)).agent.id));
    theirs = (await createAgent(f.outsider, f.otherWs)).agent.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  const probesPath = (agentId: number, ws = f.ws) => `/workspaces/${ws}/agents/${agentId}/probes`;

  /** Runs `fn` and returns the probe changes announced meanwhile. */
  async function changesDuring(fn: () => Promise<unknown>): Promise<ProbeChange[]> {
    const seen: ProbeChange[] = [];
    const off = t.app.get(DomainEventBus).on('probe.changed', (change) => void seen.push(change));
    try {
      await fn();
    } finally {
      off();
    }
    return seen;
  }

  async function createProbe(agentId: number, body: Record<string, unknown>): Promise<any> {
    const res = await f.user.http.post(probesPath(agentId), body);
    if (res.status !== 201) throw new Error(`create probe failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  describe('create', () => {
    it('creates the seed example and answers the full view', async () => {
      const seedExample = {
        workspace_id: f.ws,
        agent_id: a,
        type: 'PING',
        enabled: true,
        interval_sec: 60,
        timeout_sec: 10,
        count: 5,
        duration_sec: 0,
        server: false,
        targets: ['8.8.8.8', '1.1.1.1'],
        agent_targets: [],
        labels: { site: 'hq' },
        metadata: { note: 'dns' },
      };
      const res = await f.user.http.post(probesPath(a), seedExample);
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual([...PROBE_KEYS, 'agent_id', 'reverse_probe_ids'].sort());
      expect(res.body).toMatchObject({
        ...seedExample,
        reverse_of_probe_id: null,
        reverse_probe_ids: [],
      });
      expect(res.body.created_at).toMatch(ISO_MS);
    });

    it.each([
      ['PING', { type: 'PING', targets: ['example.com'] }, { interval_sec: 60, timeout_sec: 10, count: 5 }],
      ['MTR', { type: 'MTR', targets: ['2001:db8::1'] }, { interval_sec: 300, count: 5 }],
      ['SPEEDTEST to the controller', { type: 'SPEEDTEST' }, { interval_sec: 3600, targets: [] }],
      ['SPEEDTEST to a URL', { type: 'SPEEDTEST', targets: ['https://speed.example/'] }, { targets: ['https://speed.example/'] }],
      ['SYSINFO', { type: 'SYSINFO' }, { interval_sec: 3600, timeout_sec: 30 }],
      ['TRAFFICSIM server', { type: 'TRAFFICSIM', server: true }, { server: true, duration_sec: 60 }],
      ['TRAFFICSIM client to host:port', { type: 'TRAFFICSIM', targets: ['10.0.0.2:5000'] }, { server: false }],
    ])('creates %s with the type defaults', async (_name, body, expected) => {
      expect(await createProbe(a, body)).toMatchObject(expected);
    });

    it('creates AGENT and TRAFFICSIM probes toward agents of the same workspace', async () => {
      expect((await createProbe(a, { type: 'AGENT', agent_targets: [b, c] })).agent_targets).toEqual([b, c]);
      // A TRAFFICSIM client's agent must run a TRAFFICSIM server (trafficsim.test.ts has the rest).
      await createProbe(b, { type: 'TRAFFICSIM', server: true });
      expect((await createProbe(a, { type: 'TRAFFICSIM', agent_targets: [b] })).agent_targets).toEqual([b]);
    });

    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['an unknown type', { type: 'HTTP', targets: ['x.example'] }, 'invalid_probe', /type must be one of/],
      ['no type', { targets: ['x.example'] }, 'validation_failed', /type/],
      ['PING without targets', { type: 'PING' }, 'invalid_probe', /targets must list 1 to 50 hosts/],
      ['PING with a bad host', { type: 'PING', targets: ['bad host'] }, 'invalid_probe', /invalid: "bad host"/],
      ['PING with a non-string target', { type: 'PING', targets: [42] }, 'validation_failed', /targets must be an array of strings/],
      ['PING count 0', { type: 'PING', targets: ['1.1.1.1'], count: 0 }, 'invalid_probe', /count must be a whole number between 1 and 100/],
      ['PING timeout above interval', { type: 'PING', targets: ['1.1.1.1'], interval_sec: 10, timeout_sec: 20 }, 'invalid_probe', /timeout_sec must not exceed interval_sec/],
      ['a fractional interval', { type: 'PING', targets: ['1.1.1.1'], interval_sec: 60.5 }, 'validation_failed', /interval_sec must be a whole number/],
      ['MTR every 10 s', { type: 'MTR', targets: ['1.1.1.1'], interval_sec: 10 }, 'invalid_probe', /between 30 and 86400/],
      ['SPEEDTEST to a bare host', { type: 'SPEEDTEST', targets: ['speed.example'] }, 'invalid_probe', /http\(s\) URLs/],
      ['NETINFO with targets', { type: 'NETINFO', targets: ['1.1.1.1'] }, 'invalid_probe', /targets must be empty/],
      ['a TRAFFICSIM client without a target', { type: 'TRAFFICSIM' }, 'invalid_probe', /exactly one target/],
      ['TRAFFICSIM duration 0', { type: 'TRAFFICSIM', server: true, duration_sec: 0 }, 'invalid_probe', /duration_sec/],
      ['AGENT without agent targets', { type: 'AGENT' }, 'invalid_probe', /agent_targets must name 1 to 50 agents/],
      ['AGENT with host targets', { type: 'AGENT', agent_targets: [2], targets: ['1.1.1.1'] }, 'invalid_probe', /use agent_targets/],
      ['server on a PING', { type: 'PING', targets: ['1.1.1.1'], server: true }, 'invalid_probe', /server only applies to TRAFFICSIM/],
      ['bidirectional on a PING', { type: 'PING', targets: ['1.1.1.1'], bidirectional: true }, 'invalid_probe', /bidirectional only applies to AGENT/],
      ['an unknown field', { type: 'PING', targets: ['1.1.1.1'], intervalSec: 60 }, 'validation_failed', /intervalSec: unknown field/],
      ['labels as an array', { type: 'PING', targets: ['1.1.1.1'], labels: [] }, 'validation_failed', /labels must be a JSON object/],
      ['null targets', { type: 'PING', targets: null }, 'validation_failed', /targets/],
    ])('refuses %s with 400 and writes nothing', async (_name, body, code, message) => {
      const before = await countProbes(t, f.ws);
      expectError(await f.user.http.post(probesPath(a), body), 400, code, message);
      expect(await countProbes(t, f.ws)).toBe(before);
    });

    it('refuses AGENT targets that are itself, deleted, unknown or in another workspace', async () => {
      const { agent: doomed } = await createAgent(f.user, f.ws);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${doomed.id}`)).status).toBe(204);
      const before = await countProbes(t, f.ws);
      expectError(await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [a] }), 400, 'invalid_probe', /cannot target itself/);
      expectError(await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [doomed.id] }), 400, 'invalid_probe', new RegExp(`no agent ${doomed.id}`));
      expectError(await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [theirs] }), 400, 'invalid_probe', new RegExp(`no agent ${theirs}`));
      expectError(await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [2_000_000_000] }), 400, 'invalid_probe');
      expect(await countProbes(t, f.ws)).toBe(before);
      expect(await countProbes(t, f.otherWs)).toBeGreaterThan(0);
    });

    it('refuses a body workspace_id or agent_id that differs from the path', async () => {
      const before = await countProbes(t, f.ws);
      expectError(await f.user.http.post(probesPath(a), { workspace_id: f.otherWs, type: 'SYSINFO' }), 400, 'path_mismatch', /workspace_id/);
      expectError(await f.user.http.post(probesPath(a), { agent_id: b, type: 'SYSINFO' }), 400, 'path_mismatch', /agent_id/);
      expect(await countProbes(t, f.ws)).toBe(before);
    });

    it('notifies the probe’s agent after a create, and nobody after a refused one', async () => {
      const ok = await changesDuring(() => createProbe(b, { type: 'PING', targets: ['9.9.9.9'] }));
      expect(ok).toEqual([{ workspaceId: f.ws, agentId: b }]);
      const refused = await changesDuring(() => f.user.http.post(probesPath(b), { type: 'PING' }));
      expect(refused).toEqual([]);
    });
  });

  describe('bidirectional AGENT probes', () => {
    it('creates the mirror on every target agent, pointing back, in one go', async () => {
      let res: any;
      const seen = await changesDuring(async () => {
        res = await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [b, c], bidirectional: true, interval_sec: 120, labels: { mesh: 'x' } });
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ agent_id: a, type: 'AGENT', agent_targets: [b, c], reverse_of_probe_id: null });
      expect(res.body.reverse_probe_ids).toHaveLength(2);
      const [toB, toC] = res.body.reverse_probe_ids;
      const mirrorB = (await f.user.http.get(`${probesPath(b)}/${toB}`)).body;
      const mirrorC = (await f.user.http.get(`${probesPath(c)}/${toC}`)).body;
      for (const mirror of [mirrorB, mirrorC]) {
        expect(mirror).toMatchObject({ type: 'AGENT', agent_targets: [a], reverse_of_probe_id: res.body.id, interval_sec: 120, labels: { mesh: 'x' } });
      }
      expect(seen.map((s) => s.agentId).sort()).toEqual([a, b, c].sort());
    });

    it('writes nothing when one target is invalid', async () => {
      const { agent: doomed } = await createAgent(f.user, f.ws);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${doomed.id}`)).status).toBe(204);
      const before = await countProbes(t, f.ws);
      const seen = await changesDuring(async () => {
        expectError(
          await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [b, doomed.id], bidirectional: true }),
          400,
          'invalid_probe',
        );
      });
      expect(await countProbes(t, f.ws)).toBe(before);
      expect(seen).toEqual([]);
    });

    it('rolls the primary and earlier mirrors back when a later mirror cannot be written', async () => {
      // A trigger makes the database refuse the mirror on agent c after the primary and b's mirror were inserted.
      await db(t).query(`
        CREATE FUNCTION refuse_probe_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.agent_id = ${c} AND NEW.reverse_of_probe_id IS NOT NULL THEN RAISE EXCEPTION 'refused for test'; END IF;
          RETURN NEW;
        END $$`);
      await db(t).query(`CREATE TRIGGER refuse_probe_for_test BEFORE INSERT ON probes FOR EACH ROW EXECUTE FUNCTION refuse_probe_for_test()`);
      try {
        const before = await countProbes(t, f.ws);
        const res = await f.user.http.post(probesPath(a), { type: 'AGENT', agent_targets: [b, c], bidirectional: true, count: 7 });
        expectError(res, 500, 'internal_error');
        expect(await countProbes(t, f.ws)).toBe(before);
        expect((await probeRows(t, a)).filter((p) => p.count === 7)).toEqual([]);
      } finally {
        await db(t).query('DROP TRIGGER refuse_probe_for_test ON probes');
        await db(t).query('DROP FUNCTION refuse_probe_for_test()');
      }
    });
  });

  describe('list and get', () => {
    it('lists only this agent’s probes, in the envelope, paginated', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      await createProbe(agent.id, { type: 'PING', targets: ['1.1.1.1'] });
      const res = await f.user.http.get(probesPath(agent.id));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
      expect(res.body.data.map((p: any) => p.type)).toEqual(['NETINFO', 'SYSINFO', 'PING']);
      for (const p of res.body.data) {
        expect(Object.keys(p).sort()).toEqual([...PROBE_KEYS, 'agent_id'].sort());
        expect(p.agent_id).toBe(agent.id);
      }
      const page = await f.user.http.get(`${probesPath(agent.id)}?limit=1&offset=2`);
      expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 2, data: [res.body.data[2]] });
    });

    it('gets one probe only under its own agent', async () => {
      const probe = await createProbe(a, { type: 'MTR', targets: ['1.0.0.1'] });
      const res = await f.user.http.get(`${probesPath(a)}/${probe.id}`);
      expect(res.status).toBe(200);
      expect({ ...res.body, reverse_probe_ids: [] }).toEqual(probe);
      expectError(await f.user.http.get(`${probesPath(b)}/${probe.id}`), 404, 'not_found', /probe not found/);
      expectError(await f.user.http.get(`${probesPath(a)}/x`), 400, 'invalid_id');
    });
  });

  describe('update', () => {
    it('applies the seed’s camelCase fields, replaceTargets included, and notifies the agent', async () => {
      const probe = await createProbe(a, { type: 'PING', targets: ['8.8.8.8', '1.1.1.1'] });
      let res: any;
      const seen = await changesDuring(async () => {
        res = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, {
          enabled: false,
          intervalSec: 120,
          timeoutSec: 15,
          labels: { priority: 'high' },
          replaceTargets: ['8.8.4.4'],
        });
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: probe.id, enabled: false, interval_sec: 120, timeout_sec: 15, labels: { priority: 'high' }, targets: ['8.8.4.4'], count: 5 });
      expect(seen).toEqual([{ workspaceId: f.ws, agentId: a }]);
      expect((await f.user.http.get(`${probesPath(a)}/${probe.id}`)).body).toEqual(res.body);
    });

    it('accepts the snake_case spellings too', async () => {
      const probe = await createProbe(a, { type: 'PING', targets: ['8.8.8.8'] });
      const res = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, {
        interval_sec: 30,
        timeout_sec: 3,
        count: 20,
        metadata: { a: 1 },
        targets: ['9.9.9.9', 'dns.example'],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ interval_sec: 30, timeout_sec: 3, count: 20, metadata: { a: 1 }, targets: ['9.9.9.9', 'dns.example'] });
      const same = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { intervalSec: 40, interval_sec: 40 });
      expect(same.body.interval_sec).toBe(40);
    });

    it('replaces agent targets of an AGENT probe', async () => {
      const probe = await createProbe(a, { type: 'AGENT', agent_targets: [b] });
      const camel = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { replaceAgentTargets: [b, c] });
      expect(camel.body.agent_targets).toEqual([b, c]);
      const snake = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { agent_targets: [c] });
      expect(snake.body.agent_targets).toEqual([c]);
      expectError(await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { agent_targets: [theirs] }), 400, 'invalid_probe');
      expectError(await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { agent_targets: [] }), 400, 'invalid_probe');
    });

    it('still lets a probe whose peer was deleted be edited, but not point at a deleted peer anew', async () => {
      const { agent: peer } = await createAgent(f.user, f.ws);
      const { agent: other } = await createAgent(f.user, f.ws);
      const probe = await createProbe(a, { type: 'AGENT', agent_targets: [peer.id] });
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${peer.id}`)).status).toBe(204);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${other.id}`)).status).toBe(204);
      const disabled = await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { enabled: false });
      expect(disabled.status).toBe(200);
      expect(disabled.body.enabled).toBe(false);
      expectError(await f.user.http.patch(`${probesPath(a)}/${probe.id}`, { agent_targets: [peer.id, other.id] }), 400, 'invalid_probe', new RegExp(`no agent ${other.id}`));
    });

    it('re-validates the merged probe and changes nothing when it is invalid', async () => {
      const probe = await createProbe(a, { type: 'PING', targets: ['8.8.8.8'] });
      const url = `${probesPath(a)}/${probe.id}`;
      const seen = await changesDuring(async () => {
        expectError(await f.user.http.patch(url, {}), 400, 'empty_update');
        expectError(await f.user.http.patch(url, { timeoutSec: 120 }), 400, 'invalid_probe', /timeout_sec must not exceed interval_sec/);
        expectError(await f.user.http.patch(url, { replaceTargets: [] }), 400, 'invalid_probe', /targets must list 1 to 50/);
        expectError(await f.user.http.patch(url, { replaceTargets: ['not a host'] }), 400, 'invalid_probe');
        expectError(await f.user.http.patch(url, { intervalSec: 60, interval_sec: 90 }), 400, 'conflicting_fields');
        expectError(await f.user.http.patch(url, { type: 'MTR' }), 400, 'validation_failed', /type: unknown field/);
        expectError(await f.user.http.patch(url, { enabled: null }), 400, 'validation_failed');
        expectError(await f.user.http.patch(url, { duration_sec: 5 }), 400, 'invalid_probe', /duration_sec does not apply/);
      });
      expect(seen).toEqual([]);
      expect({ ...(await f.user.http.get(url)).body, reverse_probe_ids: [] }).toEqual(probe);
    });
  });

  describe('delete', () => {
    it('deletes with 204, notifies the agent, then the probe is 404', async () => {
      const probe = await createProbe(a, { type: 'PING', targets: ['8.8.8.8'] });
      let status = 0;
      const seen = await changesDuring(async () => {
        status = (await f.user.http.delete(`${probesPath(a)}/${probe.id}`)).status;
      });
      expect(status).toBe(204);
      expect(seen).toEqual([{ workspaceId: f.ws, agentId: a }]);
      expectError(await f.user.http.get(`${probesPath(a)}/${probe.id}`), 404, 'not_found');
      expectError(await f.user.http.delete(`${probesPath(a)}/${probe.id}`), 404, 'not_found');
    });

    it('does not delete a probe addressed under another agent', async () => {
      const probe = await createProbe(a, { type: 'PING', targets: ['8.8.8.8'] });
      expectError(await f.user.http.delete(`${probesPath(b)}/${probe.id}`), 404, 'not_found');
      expect((await f.user.http.get(`${probesPath(a)}/${probe.id}`)).status).toBe(200);
    });
  });

  describe('access', () => {
    it('needs a token; every member role may read and edit probes', async () => {
      expectError(await http.get(probesPath(a)), 401);
      expectError(await http.post(probesPath(a), { type: 'SYSINFO' }), 401);
      for (const member of [f.user, f.admin, f.owner]) {
        const created = await member.http.post(probesPath(a), { type: 'SYSINFO' });
        expect(created.status).toBe(201);
        expect((await member.http.patch(`${probesPath(a)}/${created.body.id}`, { enabled: false })).status).toBe(200);
        expect((await member.http.delete(`${probesPath(a)}/${created.body.id}`)).status).toBe(204);
      }
    });

    it('answers 404 on every probe endpoint to members of another workspace and leaves the probes unchanged', async () => {
      const mine = await createProbe(a, { type: 'PING', targets: ['8.8.8.8'] });
      const theirProbe = (await f.outsider.http.post(probesPath(theirs, f.otherWs), { type: 'PING', targets: ['1.1.1.1'] })).body;
      const rowsBefore = JSON.stringify([await probeRows(t, a), await probeRows(t, theirs)]);

      const attempts: Array<[Http, number, number, number]> = [
        // [client, workspace in the path, agent in the path, probe id]
        [f.outsider.http, f.ws, a, mine.id],
        [f.owner.http, f.ws, theirs, theirProbe.id],
        [f.owner.http, f.otherWs, theirs, theirProbe.id],
        [f.owner.http, f.ws, a, theirProbe.id],
      ];
      for (const [client, ws, agentId, probeId] of attempts) {
        const base = probesPath(agentId, ws);
        const isListable = !(ws === f.ws && agentId === a && client === f.owner.http);
        if (isListable) {
          expectError(await client.get(base), 404, 'not_found');
          expectError(await client.post(base, { type: 'SYSINFO' }), 404, 'not_found');
          expectError(await client.post(`${base}/copy`, { dest_agent_ids: [agentId] }), 404, 'not_found');
        }
        expectError(await client.get(`${base}/${probeId}`), 404, 'not_found');
        expectError(await client.patch(`${base}/${probeId}`, { enabled: false }), 404, 'not_found');
        expectError(await client.delete(`${base}/${probeId}`), 404, 'not_found');
      }
      expect(JSON.stringify([await probeRows(t, a), await probeRows(t, theirs)])).toBe(rowsBefore);
    });
  });
});
