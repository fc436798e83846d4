import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { MtrHop, ProbePostOk } from '@netwatcher/shared';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, connectOutcome, nextEvent } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { expectError, ISO_MS } from './support/workspace-members';
import { cityRecord, writeMmdb } from './lookups/support/mmdb-writer';

const TARGET = '81.2.69.200';

/** An answering hop (address and average RTT) or a silent one (null). */
function hops(...path: ([string, number] | null)[]): MtrHop[] {
  return path.map((h, i) =>
    h === null
      ? { hop: i + 1, address: null, hostname: null, loss_pct: 100, sent: 5, last_ms: null, avg_ms: null, best_ms: null, worst_ms: null, stddev_ms: null }
      : { hop: i + 1, address: h[0], hostname: null, loss_pct: 0, sent: 5, last_ms: h[1], avg_ms: h[1], best_ms: h[1], worst_ms: h[1], stddev_ms: 0.1 },
  );
}

describe('network map and path history from MTR results posted by agents', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  let otherAgent: number;
  let dir: string;
  const agents: { id: number; socket: AgentClient; probe: number }[] = [];
  const base = Date.now() - 30 * 60_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

  async function enrolledMtrAgent(): Promise<{ id: number; socket: AgentClient; probe: number }> {
    const created = await createAgent(owner, ws);
    const psk = await enroll(http, ws, created.agent.id, created.pin);
    const socket = agentSocket(t.url, { workspaceId: ws, agentId: created.agent.id, psk });
    expect(await connectOutcome(socket)).toBe('connected');
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'MTR', targets: [TARGET] });
    expect(probe.status).toBe(201);
    return { id: created.agent.id, socket, probe: probe.body.id };
  }

  async function postMtr(agent: { socket: AgentClient; probe: number }, createdAt: string, path: MtrHop[]): Promise<void> {
    const ack = nextEvent<ProbePostOk>(agent.socket, 'probe_post_ok');
    agent.socket.emit('probe_post', { id: randomUUID(), probe_id: agent.probe, type: 'MTR', created_at: createdAt, target: TARGET, payload: { target: TARGET, hops: path } } as never);
    const got = await ack;
    expect(got.rejected).toEqual([]);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-netmap-'));
    writeMmdb(join(dir, 'city.mmdb'), {
      databaseType: 'GeoIP2-City',
      networks: [['81.2.69.0/24', cityRecord({ city: 'Bracknell', subdivision: 'ENG', country: 'GB', countryName: 'United Kingdom', latitude: 51.4, longitude: -0.76, accuracy: 50 })]],
    });
    writeMmdb(join(dir, 'asn.mmdb'), {
      databaseType: 'GeoLite2-ASN',
      networks: [['81.2.69.0/24', { autonomous_system_number: 20712, autonomous_system_organization: 'Example Broadband Ltd' }]],
    });
    t = await startTestApp('postgres', { GEOIP_CITY_DB: join(dir, 'city.mmdb'), GEOIP_ASN_DB: join(dir, 'asn.mmdb') });
    http = new Http(t.url);
    [owner, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(outsider)).id;
    otherAgent = (await createAgent(outsider, otherWs)).agent.id;
    agents.push(await enrolledMtrAgent(), await enrolledMtrAgent());
    const [berlin, paris] = agents;
    // Berlin's route flaps to another router at minute 5 and back at minute 10.
    await postMtr(berlin, at(0), hops(['192.168.1.1', 0.5], ['81.2.69.1', 8], [TARGET, 12]));
    await postMtr(berlin, at(5), hops(['192.168.1.1', 0.5], ['81.2.69.7', 9], [TARGET, 14]));
    await postMtr(berlin, at(10), hops(['192.168.1.1', 0.6], ['81.2.69.1', 8], [TARGET, 12]));
    // Paris crosses a silent hop, then joins Berlin's path at 81.2.69.1.
    await postMtr(paris, at(10), hops(['10.0.0.1', 1], null, ['81.2.69.1', 20], [TARGET, 26]));
  });

  afterAll(async () => {
    for (const a of agents) a.socket.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws agents, hops and the destination from the newest result of each path, with owners of public hops', async () => {
    const [berlin, paris] = agents;
    const res = await owner.http.get(`/workspaces/${ws}/network-map`);
    expect(res.status).toBe(200);
    expect(res.body.generated_at).toMatch(ISO_MS);
    const byId = new Map<string, Record<string, unknown>>(res.body.nodes.map((n: { id: string }) => [n.id, n]));
    expect([...byId.keys()]).toEqual([
      `agent:${berlin.id}`,
      `agent:${paris.id}`,
      'hop:10.0.0.1',
      'hop:192.168.1.1',
      'hop:81.2.69.1',
      `anon:${paris.id}:${paris.probe}:${TARGET}:2`,
      `dest:${TARGET}`,
    ]);
    // The flapped-to router is not on any newest result: it is history, not topology.
    expect(byId.has('hop:81.2.69.7')).toBe(false);
    expect(byId.get('hop:81.2.69.1')).toMatchObject({ kind: 'hop', asn: 20712, as_org: 'Example Broadband Ltd', country: 'GB', private: false, paths: 2 });
    expect(byId.get('hop:192.168.1.1')).toMatchObject({ private: true, asn: null, as_org: null, country: null, paths: 1 });
    expect(byId.get(`dest:${TARGET}`)).toMatchObject({ kind: 'destination', ip: TARGET, asn: 20712, paths: 2 });
    expect(byId.get(`agent:${berlin.id}`)).toMatchObject({ kind: 'agent', agent_id: berlin.id, label: expect.stringMatching(/^agent-/) });

    const edge = (from: string, to: string) => res.body.edges.find((e: { from: string; to: string }) => e.from === from && e.to === to);
    expect(edge('hop:81.2.69.1', `dest:${TARGET}`)).toEqual({ from: 'hop:81.2.69.1', to: `dest:${TARGET}`, latency_ms: 5, loss_pct: 0, paths: 2 });
    expect(edge(`agent:${berlin.id}`, 'hop:192.168.1.1')).toMatchObject({ latency_ms: 0.6, paths: 1 });
    expect(edge('hop:10.0.0.1', `anon:${paris.id}:${paris.probe}:${TARGET}:2`)).toMatchObject({ latency_ms: null, loss_pct: 100 });
  });

  it('keeps one measuring agent with agentId, and an empty map for a range without results', async () => {
    const [berlin] = agents;
    const mine = await owner.http.get(`/workspaces/${ws}/network-map?agentId=${berlin.id}`);
    expect(mine.status).toBe(200);
    expect(mine.body.nodes.map((n: { id: string }) => n.id)).toEqual([`agent:${berlin.id}`, 'hop:192.168.1.1', 'hop:81.2.69.1', `dest:${TARGET}`]);
    // Up to minute 7: Berlin's newest result then was the flapped path.
    const earlier = await owner.http.get(`/workspaces/${ws}/network-map?agentId=${berlin.id}&from=${at(-1)}&to=${at(7)}`);
    expect(earlier.body.nodes.map((n: { id: string }) => n.id)).toContain('hop:81.2.69.7');
    const empty = await owner.http.get(`/workspaces/${ws}/network-map?to=${at(-5)}`);
    expect(empty.body).toMatchObject({ nodes: [], edges: [] });
  });

  it('lists the distinct paths of a probe and target with first/last seen and count', async () => {
    const [berlin] = agents;
    const res = await owner.http.get(`/workspaces/${ws}/network-map/paths?probeId=${berlin.probe}&target=${TARGET}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { hops: ['192.168.1.1', '81.2.69.1', TARGET], signature: `192.168.1.1 > 81.2.69.1 > ${TARGET}`, as_path: [20712], first_seen: at(0), last_seen: at(10), count: 2 },
        { hops: ['192.168.1.1', '81.2.69.7', TARGET], signature: `192.168.1.1 > 81.2.69.7 > ${TARGET}`, as_path: [20712], first_seen: at(5), last_seen: at(5), count: 1 },
      ],
      total: 2,
      limit: 2,
      offset: 0,
    });
    const ranged = await owner.http.get(`/workspaces/${ws}/network-map/paths?probeId=${berlin.probe}&target=${TARGET}&from=${at(4)}&to=${at(6)}`);
    expect(ranged.body.data.map((p: { count: number }) => p.count)).toEqual([1]);
    const otherTarget = await owner.http.get(`/workspaces/${ws}/network-map/paths?probeId=${berlin.probe}&target=192.0.2.1`);
    expect(otherTarget.body).toEqual({ data: [], total: 0, limit: 0, offset: 0 });
  });

  it('answers bad input with a documented 400 or 404', async () => {
    const [berlin] = agents;
    const w = `/workspaces/${ws}/network-map`;
    expectError(await owner.http.get(`${w}?agentId=abc`), 400);
    expectError(await owner.http.get(`${w}?agentId=${otherAgent}`), 404, 'not_found');
    expectError(await owner.http.get(`${w}?from=yesterday`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}?from=${at(10)}&to=${at(0)}`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}/paths?target=${TARGET}`), 400);
    expectError(await owner.http.get(`${w}/paths?probeId=${berlin.probe}`), 400);
    expectError(await owner.http.get(`${w}/paths?probeId=999999&target=${TARGET}`), 404, 'not_found');
    expectError(await owner.http.get(`${w}/paths?probeId=${berlin.probe}&target=${TARGET}&unknown=1`), 400);
    expectError(await outsider.http.get(w), 404);
    expectError(await outsider.http.get(`${w}/paths?probeId=${berlin.probe}&target=${TARGET}`), 404);
  });
});
