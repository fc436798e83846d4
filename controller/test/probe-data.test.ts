import { randomUUID } from 'node:crypto';
import { toClickHouseTime } from '../src/timeseries/clickhouse-time';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { createAgent } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';

interface Seed {
  probe: number;
  agent: number;
  type?: string;
  target?: string;
  targetAgent?: number;
  triggered?: boolean;
  minutesAgo: number;
  rtt?: number;
}

/** Rows written straight to the store, so every filter is checked against known data. */
describeOnEachDatabase('probe-data queries', (mode) => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let a1: number;
  let a2: number;
  let pingA1: number;
  let pingA2: number;
  let mtrA1: number;
  const ids: Record<string, string> = {};
  const now = Date.now();

  async function seed(name: string, s: Seed): Promise<void> {
    const id = randomUUID();
    ids[name] = id;
    const created = new Date(now - s.minutesAgo * 60_000).toISOString();
    await t.app.get(TimeSeriesStore).insert('probe_results', [
      {
        id,
        workspace_id: ws,
        probe_id: s.probe,
        agent_id: s.agent,
        probe_agent_id: s.agent,
        type: s.type ?? 'PING',
        target: s.target ?? '10.1.1.1',
        target_agent: s.targetAgent ?? 0,
        triggered: s.triggered ?? false,
        triggered_reason: s.triggered ? 'loss above 5 %' : '',
        created_at: toClickHouseTime(created),
        loss_pct: 0,
        rtt_min_ms: s.rtt ?? 1,
        rtt_avg_ms: s.rtt ?? 1,
        rtt_max_ms: s.rtt ?? 1,
        jitter_ms: 0,
        payload: JSON.stringify({ name }),
      },
    ]);
  }

  const names = (res: { body: { data: { id: string }[] } }) =>
    res.body.data.map((r) => Object.keys(ids).find((k) => ids[k] === r.id));

  beforeAll(async () => {
    t = await startTestApp(mode);
    owner = await registerUser(new Http(t.url), 'owner');
    ws = (await createWorkspace(owner)).id;
    a1 = (await createAgent(owner, ws)).agent.id;
    a2 = (await createAgent(owner, ws)).agent.id;
    const probe = async (agent: number, body: object) => (await owner.http.post(`/workspaces/${ws}/agents/${agent}/probes`, body)).body.id;
    pingA1 = await probe(a1, { type: 'PING', targets: ['10.1.1.1'] });
    pingA2 = await probe(a2, { type: 'PING', targets: ['10.1.1.1'] });
    mtrA1 = await probe(a1, { type: 'MTR', targets: ['10.2.0.9'] });
    await seed('old', { probe: pingA1, agent: a1, minutesAgo: 60, rtt: 5 });
    await seed('mid', { probe: pingA1, agent: a1, minutesAgo: 30, triggered: true });
    await seed('new', { probe: pingA1, agent: a1, minutesAgo: 1 });
    await seed('other-agent', { probe: pingA2, agent: a2, minutesAgo: 10, targetAgent: a1 });
    await seed('mtr', { probe: mtrA1, agent: a1, type: 'MTR', target: '10.2.0.9', minutesAgo: 5 });
  });

  afterAll(async () => {
    await t?.close();
  });

  const find = (query: string) => owner.http.get(`/workspaces/${ws}/probe-data/find${query}`);

  it('finds newest first by default, oldest first with asc, with the list envelope', async () => {
    const res = await find('');
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['new', 'mtr', 'other-agent', 'mid', 'old']);
    expect(res.body).toMatchObject({ total: 5, limit: 100, offset: 0 });
    expect(names(await find('?asc=true'))).toEqual(['old', 'mid', 'other-agent', 'mtr', 'new']);
    const page = await find('?limit=2&offset=1');
    expect(names(page)).toEqual(['mtr', 'other-agent']);
    expect(page.body).toMatchObject({ total: 5, limit: 2, offset: 1 });
  });

  it('applies every filter', async () => {
    expect(names(await find('?type=MTR'))).toEqual(['mtr']);
    expect(names(await find(`?probeId=${pingA1}`))).toEqual(['new', 'mid', 'old']);
    expect(names(await find(`?agentId=${a2}`))).toEqual(['other-agent']);
    expect(names(await find(`?probeAgentId=${a1}&type=PING`))).toEqual(['new', 'mid', 'old']);
    expect(names(await find(`?targetAgent=${a1}`))).toEqual(['other-agent']);
    expect(names(await find('?targetPrefix=10.2.'))).toEqual(['mtr']);
    expect(names(await find('?triggered=true'))).toEqual(['mid']);
    const from = new Date(now - 40 * 60_000).toISOString();
    const to = Math.floor((now - 3 * 60_000) / 1000);
    const ranged = await find(`?from=${from}&to=${to}`);
    expect(ranged.body).toMatchObject({ total: 3 });
    expect(names(ranged)).toEqual(['mtr', 'other-agent', 'mid']);
  });

  it('returns stored rows in the documented units with the parsed payload', async () => {
    const [row] = (await find('?type=PING&limit=1')).body.data;
    expect(row).toMatchObject({ workspace_id: ws, probe_id: pingA1, agent_id: a1, type: 'PING', rtt_avg_ms: 1, payload: { name: 'new' } });
    expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('serves a probe series, the latest point, target data and similar probes', async () => {
    const series = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${pingA1}/data?asc=true&limit=2`);
    expect(names(series)).toEqual(['old', 'mid']);
    expect(series.body.total).toBe(3);

    const latest = await owner.http.get(`/workspaces/${ws}/probe-data/latest?type=PING&agentId=${a1}`);
    expect(latest.body.id).toBe(ids.new);
    const none = await owner.http.get(`/workspaces/${ws}/probe-data/latest?type=SPEEDTEST&agentId=${a1}`);
    expect(none.status).toBe(404);

    const byTarget = await owner.http.get(`/workspaces/${ws}/probe-data/by-target/data?target=10.1.1.1`);
    expect(names(byTarget)).toEqual(['new', 'other-agent', 'mid', 'old']);
    const latestOnly = await owner.http.get(`/workspaces/${ws}/probe-data/by-target/data?target=10.1.1.1&latestOnly=true`);
    expect(names(latestOnly)).toEqual(['new', 'other-agent']);

    const similar = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${pingA1}/similar?latest=true`);
    expect(similar.body.data.map((s: { probe: { id: number } }) => s.probe.id)).toEqual([pingA2]);
    expect(similar.body.data[0].latest.id).toBe(ids['other-agent']);
    const withSelf = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${pingA1}/similar?includeSelf=true`);
    expect(withSelf.body.data.map((s: { probe: { id: number } }) => s.probe.id).sort()).toEqual([pingA1, pingA2].sort());
    const anyType = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${mtrA1}/similar?sameType=false`);
    expect(anyType.body.data).toEqual([]);
  });

  it.each([
    ['/find?type=BOGUS', /type must be one of/],
    ['/find?limit=0', /limit/],
    ['/find?limit=10001', /limit/],
    ['/find?offset=-1', /offset/],
    ['/find?probeId=abc', /probeId/],
    ['/find?triggered=maybe', /triggered must be true or false/],
    ['/find?from=yesterday', /from must be an RFC 3339 timestamp/],
    ['/find?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', /from must not be after to/],
    ['/find?sneaky=1', /unknown field/],
    ['/latest?agentId=1', /type is required/],
    ['/latest?type=PING', /agentId is required/],
    ['/by-target/data', /target is required/],
    ['/probes/0/data', /probe id must be a positive integer/],
    ['/probes/abc/similar', /probe id must be a positive integer/],
  ])('refuses %s with a 400 naming the problem', async (path, message) => {
    const res = await owner.http.get(`/workspaces/${ws}/probe-data${path}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.stringMatching(message), code: expect.any(String), request_id: expect.any(String) });
  });

  it('answers 404 for a probe of the workspace that does not exist', async () => {
    expect((await owner.http.get(`/workspaces/${ws}/probe-data/probes/999999/data`)).status).toBe(404);
    expect((await owner.http.get(`/workspaces/${ws}/probe-data/probes/999999/similar`)).status).toBe(404);
  });
});
