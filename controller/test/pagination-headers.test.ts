import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { createAgent } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http, HttpResult } from './support/http';
import { probeResultRow } from './fixtures';
import { startTestApp, TestApp } from './support/test-app';
import { addMember } from './support/workspace-members';

/** `<url>; rel="x"` pairs of a Link header, by rel. */
function links(res: HttpResult): Record<string, string> {
  const header = res.headers.get('link');
  if (!header) return {};
  return Object.fromEntries(
    header.split(', ').map((part) => {
      const m = /^<([^>]+)>; rel="(\w+)"$/.exec(part);
      if (!m) throw new Error(`malformed Link part: ${part}`);
      return [m[2], m[1]];
    }),
  );
}

describe('pagination headers on every list', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let agent: number;
  let ping: number;
  let tag: string;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    owner = await registerUser(new Http(t.url), 'owner');
    tag = `pg-${Date.now()}`;
    ws = (await createWorkspace(owner, tag)).id;
    await createWorkspace(owner, tag);
    await createWorkspace(owner, tag);
    for (const name of ['m1', 'm2']) await addMember(owner, ws, await registerUser(new Http(t.url), name), 'USER');
    agent = (await createAgent(owner, ws)).agent.id;
    const others = [(await createAgent(owner, ws)).agent.id, (await createAgent(owner, ws)).agent.id];
    const probe = async (a: number) => (await owner.http.post(`/workspaces/${ws}/agents/${a}/probes`, { type: 'PING', targets: ['10.9.9.9'] })).body.id as number;
    ping = await probe(agent);
    const otherPings = [await probe(others[0]), await probe(others[1])];
    const now = Date.now();
    const row = (probeId: number, agentId: number, minutesAgo: number) =>
      probeResultRow(now - minutesAgo * 60_000, 5, { workspace_id: ws, probe_id: probeId, agent_id: agentId, probe_agent_id: agentId, target: '10.9.9.9' });
    // Three results of `ping`, one of each other agent's probe toward the same target.
    const rows = [row(ping, agent, 1), row(ping, agent, 2), row(ping, agent, 3), row(otherPings[0], others[0], 4), row(otherPings[1], others[1], 5)];
    await t.app.get(TimeSeriesStore).insert('probe_results', rows);
  });

  afterAll(() => t?.close());

  // [route, query for a middle page with limit 1 (other parameters must survive in the links)]
  const pagingRoutes: [string, () => string][] = [
    ['GET /workspaces', () => `/workspaces?q=${tag}&limit=1&offset=1`],
    ['GET /workspaces/{id}/members', () => `/workspaces/${ws}/members?limit=1&offset=1`],
    ['GET /workspaces/{id}/agents', () => `/workspaces/${ws}/agents?limit=1&offset=1`],
    ['GET /workspaces/{id}/agents/{agentID}/probes', () => `/workspaces/${ws}/agents/${agent}/probes?limit=1&offset=1`],
    ['GET /workspaces/{id}/probe-data/find', () => `/workspaces/${ws}/probe-data/find?type=PING&probeId=${ping}&limit=1&offset=1`],
    ['GET /workspaces/{id}/probe-data/overview', () => `/workspaces/${ws}/probe-data/overview?limit=1&offset=1`],
  ];

  it.each(pagingRoutes)('%s: X-Total-Count, prev and next that keep the other parameters', async (_route, path) => {
    const res = await owner.http.get(path());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ limit: 1, offset: 1 });
    expect(res.body.total).toBe(3);
    expect(res.headers.get('x-total-count')).toBe('3');

    const rel = links(res);
    expect(Object.keys(rel).sort()).toEqual(['next', 'prev']);
    const own = new URL(path(), 'http://x');
    for (const [name, offset] of [['prev', '0'], ['next', '2']]) {
      const target = new URL(rel[name], 'http://x');
      expect(target.pathname).toBe(own.pathname);
      expect(target.searchParams.get('offset')).toBe(offset);
      for (const [key, value] of own.searchParams) if (key !== 'offset') expect(target.searchParams.get(key)).toBe(value);
    }

    // Following the links walks the same list.
    const next = await owner.http.get(rel.next);
    expect(next.body).toMatchObject({ offset: 2, total: 3 });
    expect(Object.keys(links(next))).toEqual(['prev']);
    const prev = await owner.http.get(rel.prev);
    expect(prev.body).toMatchObject({ offset: 0, total: 3 });
    expect(Object.keys(links(prev))).toEqual(['next']);
    const ids = [prev, res, next].map((r) => JSON.stringify(r.body.data[0]));
    expect(new Set(ids).size).toBe(3);
  });

  // Lists whose routes take no offset: a count, but no link that the route would refuse.
  const countOnlyRoutes: [string, () => string, number][] = [
    ['GET /workspaces/{id}/probe-data/probes/{probeId}/data', () => `/workspaces/${ws}/probe-data/probes/${ping}/data?limit=1`, 3],
    ['GET /workspaces/{id}/probe-data/by-target/data', () => `/workspaces/${ws}/probe-data/by-target/data?target=10.9.9.9&limit=2`, 5],
    ['GET /workspaces/{id}/probe-data/probes/{probeId}/similar', () => `/workspaces/${ws}/probe-data/probes/${ping}/similar`, 2],
  ];

  it.each(countOnlyRoutes)('%s: X-Total-Count equals the body total, no Link', async (_route, path, total) => {
    const res = await owner.http.get(path());
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(total);
    expect(res.headers.get('x-total-count')).toBe(String(total));
    expect(res.headers.get('link')).toBeNull();
  });

  it('a single page has the count and no Link; a single object and an error have neither', async () => {
    const all = await owner.http.get(`/workspaces/${ws}/agents?limit=200`);
    expect(all.headers.get('x-total-count')).toBe('3');
    expect(all.headers.get('link')).toBeNull();
    const one = await owner.http.get(`/workspaces/${ws}`);
    expect(one.headers.get('x-total-count')).toBeNull();
    const bad = await owner.http.get(`/workspaces/${ws}/agents?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-total-count')).toBeNull();
  });
});
