import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AlertChangedMessage, MtrHop, NetworkMapUpdateMessage, ProbePostOk } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { AlertEvaluator } from '../src/alerts/alert-evaluator.service';
import type { RouteCheck } from '../src/events/domain-events';
import { DomainEventBus } from '../src/events/event-bus';
import { DataSource } from 'typeorm';
import { DnsStub, startDnsStub } from './fixtures/dns-stub';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, panelSocket, PanelClient } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { expectError, ISO_MS } from './support/workspace-members';
import { writeMmdb } from './lookups/support/mmdb-writer';

const TARGET = '81.2.69.200';
/** In the test ASN database: 81.2.69.0/24 is AS 20712, 89.160.20.0/24 is AS 29518. */
const CORE = '81.2.69.1';
const CORE_B = '81.2.69.7';
const TRANSIT = '89.160.20.5';

function hops(...path: (string | null)[]): MtrHop[] {
  return path.map((address, i) =>
    address === null
      ? { hop: i + 1, address: null, hostname: null, loss_pct: 100, sent: 5, last_ms: null, avg_ms: null, best_ms: null, worst_ms: null, stddev_ms: null }
      : { hop: i + 1, address, hostname: null, loss_pct: 0, sent: 5, last_ms: i + 1, avg_ms: i + 1, best_ms: i + 1, worst_ms: i + 1, stddev_ms: 0.1 },
  );
}

describe('route history: route changes, their alerts, hop names and live map updates', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  let otherAgent: number;
  let otherProbe: number;
  let dir: string;
  let dns: DnsStub;
  let agent: { id: number; socket: AgentClient; probe: number };
  const sockets: (AgentClient | PanelClient)[] = [];
  const checks: RouteCheck[] = [];
  const base = Date.now() - 60 * 60_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

  async function postMtr(createdAt: string, path: MtrHop[], probeId = agent.probe, target = TARGET, targetAgent = 0): Promise<RouteCheck> {
    const before = checks.length;
    const ack = nextEvent<ProbePostOk>(agent.socket, 'probe_post_ok');
    agent.socket.emit('probe_post', { id: randomUUID(), probe_id: probeId, type: 'MTR', created_at: createdAt, target, target_agent: targetAgent, payload: { target, hops: path } } as never);
    expect((await ack).rejected).toEqual([]);
    const check = await waitUntil('the result judged', () => checks[before]);
    await t.app.get(AlertEvaluator).idle();
    return check;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-routes-'));
    writeMmdb(join(dir, 'asn.mmdb'), {
      databaseType: 'GeoLite2-ASN',
      networks: [
        ['81.2.69.0/24', { autonomous_system_number: 20712, autonomous_system_organization: 'Example Broadband Ltd' }],
        ['89.160.20.0/24', { autonomous_system_number: 29518, autonomous_system_organization: 'Example Transit AB' }],
      ],
    });
    dns = await startDnsStub({
      '1.69.2.81.in-addr.arpa': { PTR: ['core1.example.net'] },
      // Never answers: the map must not wait for it beyond its budget.
      '5.20.160.89.in-addr.arpa': { hang: true },
    });
    t = await startTestApp('postgres', {
      GEOIP_ASN_DB: join(dir, 'asn.mmdb'),
      NETWORK_MAP_HOP_NAMES: '1',
      LOOKUP_DNS_SERVERS: dns.server,
      LOOKUP_DNS_TIMEOUT_MS: '2500',
      NETWORK_MAP_DNS_BUDGET_MS: '500',
      NETWORK_MAP_UPDATE_MIN_INTERVAL_MS: '300',
    });
    t.app.get(DomainEventBus).on('route.checked', (batch) => void checks.push(...batch));
    http = new Http(t.url);
    [owner, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(outsider)).id;
    const other = await createAgent(outsider, otherWs);
    otherAgent = other.agent.id;
    otherProbe = (await outsider.http.post(`/workspaces/${otherWs}/agents/${otherAgent}/probes`, { type: 'MTR', targets: [TARGET] })).body.id;
    const created = await createAgent(owner, ws);
    const psk = await enroll(http, ws, created.agent.id, created.pin);
    const socket = agentSocket(t.url, { workspaceId: ws, agentId: created.agent.id, psk });
    sockets.push(socket);
    expect(await connectOutcome(socket)).toBe('connected');
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'MTR', targets: [TARGET] });
    expect(probe.status).toBe(201);
    agent = { id: created.agent.id, socket, probe: probe.body.id };
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
    await dns?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a change only for a new path: not for ??? hops, not for ECMP alternation, and alerts on it', async () => {
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'route moved', metric: 'route_change', operator: '>', threshold: 0, probe_id: agent.probe });
    expect(rule.status).toBe(201);
    const asRule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'as path moved', metric: 'as_path_change', operator: '>', threshold: 0, probe_id: agent.probe });
    expect(asRule.status).toBe(201);
    const active = async (metric: string) =>
      ((await owner.http.get(`/workspaces/alerts?status=active`)).body.data as { metric: string; workspace_id: number }[]).filter((a) => a.metric === metric && a.workspace_id === ws).length;

    expect((await postMtr(at(0), hops('192.168.1.1', CORE, TARGET))).outcome).toBe('first');
    // The core router skipped its answer: the same path.
    expect((await postMtr(at(1), hops('192.168.1.1', null, TARGET))).outcome).toBe('same');
    const moved = await postMtr(at(2), hops('192.168.1.1', CORE_B, TARGET));
    expect(moved).toMatchObject({ outcome: 'changed', change: { kind: 'hop_changed', asPathChanged: false } });
    expect(await active('route_change')).toBe(1);
    expect(await active('as_path_change')).toBe(0);
    // Back to the first router: both are known now (ECMP), no change; the alert clears.
    expect((await postMtr(at(3), hops('192.168.1.1', CORE, TARGET))).outcome).toBe('alternate');
    expect(await active('route_change')).toBe(0);
    // Through a transit network: a new hop and a new AS on the way.
    const transit = await postMtr(at(4), hops('192.168.1.1', CORE, TRANSIT, TARGET));
    expect(transit).toMatchObject({ outcome: 'changed', change: { kind: 'as_path_changed', asPathChanged: true } });
    expect(await active('route_change')).toBe(1);
    expect(await active('as_path_change')).toBe(1);
    // A late result older than the path taken last is not judged.
    expect((await postMtr(at(3.5), hops('192.168.1.1', CORE_B, TARGET))).outcome).toBe('stale');
  });

  it('keeps at most 32 paths per series, the current one always, and takes long IPv6 paths', async () => {
    const v6Target = '2001:db8::99';
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agent.id}/probes`, { type: 'MTR', targets: [v6Target] });
    expect(probe.status).toBe(201);
    // 64 hops of full-length IPv6 addresses: a signature of about 2.6 kB.
    const long = (n: number) => hops(...Array.from({ length: 64 }, (_, i) => `2001:db8:ffff:ffff:ffff:ffff:${n.toString(16)}:${(i + 1).toString(16)}`));
    const outcomes: string[] = [];
    for (let n = 0; n < 34; n++) outcomes.push((await postMtr(at(10 + n / 100), long(n), probe.body.id, v6Target)).outcome);
    expect(outcomes).toEqual(['first', ...Array(33).fill('changed')]);
    const rows: { seen: number; current: boolean; signature: string }[] = await t.app
      .get(DataSource)
      .query('SELECT seen_count AS seen, is_current AS current, signature FROM route_paths WHERE probe_id = $1 ORDER BY last_seen', [probe.body.id]);
    expect(rows).toHaveLength(32);
    // The two oldest paths went; the newest is current.
    expect(rows[0].signature).toContain('2001:db8:ffff:ffff:ffff:ffff:2:1 >');
    expect(rows.filter((r) => r.current).map((r) => r.signature)).toEqual([rows[31].signature]);
    expect(rows[31].signature).toContain(':21:40');
    expect((await owner.http.get(`/workspaces/${ws}/network-map/route-changes?probeId=${probe.body.id}&limit=1`)).body.total).toBe(33);
    expect((await owner.http.delete(`/workspaces/${ws}/agents/${agent.id}/probes/${probe.body.id}`)).status).toBeLessThan(300);
    // A deleted probe's history goes with it.
    expect(await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM route_changes WHERE probe_id = $1', [probe.body.id])).toEqual([{ n: 0 }]);
  });

  it('judges the MTR runs of an AGENT probe like any MTR result', async () => {
    const peer = (await createAgent(owner, ws)).agent.id;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agent.id}/probes`, { type: 'AGENT', agent_targets: [peer] });
    expect(probe.status).toBe(201);
    const peerAddress = '81.2.69.150';
    expect((await postMtr(at(20), hops(CORE, peerAddress), probe.body.id, peerAddress, peer)).outcome).toBe('first');
    const moved = await postMtr(at(21), hops(CORE, TRANSIT, peerAddress), probe.body.id, peerAddress, peer);
    expect(moved).toMatchObject({ outcome: 'changed', change: { kind: 'as_path_changed' } });
    const listed = await owner.http.get(`/workspaces/${ws}/network-map/route-changes?probeId=${probe.body.id}`);
    expect(listed.body.data).toEqual([expect.objectContaining({ target: peerAddress, added: [TRANSIT], after: { hops: [CORE, TRANSIT, peerAddress], as_path: [20712, 29518, 20712] } })]);
    expect((await owner.http.delete(`/workspaces/${ws}/agents/${agent.id}/probes/${probe.body.id}`)).status).toBeLessThan(300);
  });

  it('lists route changes newest first with the paths before and after, filtered and paged', async () => {
    const w = `/workspaces/${ws}/network-map/route-changes`;
    const res = await owner.http.get(w);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, limit: 50, offset: 0 });
    const [newest, older] = res.body.data;
    expect(newest).toEqual({
      id: expect.any(Number),
      probe_id: agent.probe,
      agent_id: agent.id,
      target: TARGET,
      kind: 'as_path_changed',
      detected_at: at(4),
      before: { hops: ['192.168.1.1', CORE, TARGET], as_path: [20712] },
      after: { hops: ['192.168.1.1', CORE, TRANSIT, TARGET], as_path: [20712, 29518, 20712] },
      added: [TRANSIT],
      removed: [],
    });
    expect(newest.detected_at).toMatch(ISO_MS);
    expect(older).toMatchObject({ kind: 'hop_changed', detected_at: at(2), added: [CORE_B], removed: [CORE], before: { hops: ['192.168.1.1', CORE, TARGET] } });

    const page = await owner.http.get(`${w}?limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.data.map((c: { id: number }) => c.id)).toEqual([older.id]);
    expect((await owner.http.get(`${w}?from=${at(3)}`)).body.data.map((c: { id: number }) => c.id)).toEqual([newest.id]);
    expect((await owner.http.get(`${w}?to=${at(3)}`)).body.data.map((c: { id: number }) => c.id)).toEqual([older.id]);
    expect((await owner.http.get(`${w}?probeId=${agent.probe}&agentId=${agent.id}`)).body.total).toBe(2);
  });

  it('answers bad input with a documented 400 or 404, and another workspace with 404', async () => {
    const w = `/workspaces/${ws}/network-map/route-changes`;
    expectError(await owner.http.get(`${w}?probeId=abc`), 400);
    expectError(await owner.http.get(`${w}?agentId=0`), 400);
    expectError(await owner.http.get(`${w}?limit=500`), 400);
    expectError(await owner.http.get(`${w}?offset=-1`), 400);
    expectError(await owner.http.get(`${w}?from=yesterday`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}?from=${at(4)}&to=${at(0)}`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}?unknown=1`), 400);
    expectError(await owner.http.get(`${w}?probeId=${otherProbe}`), 404, 'not_found');
    expectError(await owner.http.get(`${w}?agentId=${otherAgent}`), 404, 'not_found');
    expectError(await outsider.http.get(w), 404);
    // The other workspace's (empty) list never shows this workspace's changes.
    expect((await outsider.http.get(`/workspaces/${otherWs}/network-map/route-changes`)).body).toEqual({ data: [], total: 0, limit: 50, offset: 0 });
  });

  it('names hops by reverse DNS, and a silent DNS server costs the map no more than its budget', async () => {
    const started = Date.now();
    const res = await owner.http.get(`/workspaces/${ws}/network-map?from=${at(-1)}`);
    expect(res.status).toBe(200);
    // The transit hop's PTR query hangs (2.5 s DNS timeout): the answer comes after the 0.5 s budget.
    expect(Date.now() - started).toBeLessThan(2_000);
    const byId = new Map<string, { hostname: string | null; asn: number | null }>(res.body.nodes.map((n: { id: string }) => [n.id, n]));
    expect(byId.get(`hop:${CORE}`)).toMatchObject({ hostname: 'core1.example.net', asn: 20712 });
    expect(byId.get(`hop:${TRANSIT}`)).toMatchObject({ hostname: null, asn: 29518 });
    // Asked once, then cached: a second map read does not ask the DNS server again.
    const askedForCore = () => dns.queries.filter((q) => q === 'PTR 1.69.2.81.in-addr.arpa').length;
    expect(askedForCore()).toBe(1);
    await owner.http.get(`/workspaces/${ws}/network-map?from=${at(-1)}`);
    expect(askedForCore()).toBe(1);
  });

  it('sends network_map_update to subscribed members when the topology changes, not to outsiders or on an unchanged path', async () => {
    const member = panelSocket(t.url, owner.token);
    const stranger = panelSocket(t.url, outsider.token);
    sockets.push(member, stranger);
    for (const [socket, workspace] of [
      [member, ws],
      [stranger, otherWs],
    ] as const) {
      const ok = nextEvent(socket, 'subscribed');
      socket.emit('subscribe', { workspace_id: workspace, probe_id: 0 });
      await ok;
    }
    const updates = collect<NetworkMapUpdateMessage>(member, 'network_map_update');
    const strangerUpdates = collect<NetworkMapUpdateMessage>(stranger, 'network_map_update');
    const strangerAlerts = collect<AlertChangedMessage>(stranger, 'alert');

    // A new router on the path: the map gains a node.
    await postMtr(new Date().toISOString(), hops('192.168.1.1', CORE, '81.2.69.9', TARGET));
    const update = await waitUntil('network_map_update', () => updates[0]);
    expect(update).toMatchObject({ type: 'network_map_update', workspace_id: ws, generated_at: expect.stringMatching(ISO_MS) });
    expect(update.nodes.map((n) => (n as { id: string }).id)).toContain('hop:81.2.69.9');
    // The same path again changes no topology: nothing is sent for it. The next change is the
    // next update (the router gone again), so nothing came in between.
    expect((await postMtr(new Date(Date.now() + 1).toISOString(), hops('192.168.1.1', CORE, '81.2.69.9', TARGET))).outcome).toBe('same');
    await postMtr(new Date(Date.now() + 2).toISOString(), hops('192.168.1.1', CORE, TARGET));
    const next = await waitUntil('the second network_map_update', () => updates[1]);
    expect(next.nodes.map((n) => (n as { id: string }).id)).not.toContain('hop:81.2.69.9');
    expect(updates).toHaveLength(2);
    expect(strangerUpdates).toEqual([]);
    expect(strangerAlerts).toEqual([]);
  });
});
