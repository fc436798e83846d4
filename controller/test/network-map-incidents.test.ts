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
import { expectError } from './support/workspace-members';
import { writeMmdb } from './lookups/support/mmdb-writer';

const T1 = '81.2.70.10';
const T2 = '81.2.70.20';
const SHARED = '81.2.69.1';

/** Answering hops: [address, loss %, average RTT]. */
function hops(...path: [string, number, number][]): MtrHop[] {
  return path.map(([address, loss, ms], i) => ({ hop: i + 1, address, hostname: null, loss_pct: loss, sent: 10, last_ms: ms, avg_ms: ms, best_ms: ms, worst_ms: ms, stddev_ms: 0.1 }));
}

/** Agents post real MTR results over the agent socket; the route reads them back from ClickHouse. */
describe('GET /workspaces/{id}/network-map/incidents (shared-hop root cause)', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherAgent: number;
  let dir: string;
  const agents: { id: number; socket: AgentClient; probe: number }[] = [];
  const base = Date.now() - 60 * 60_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

  async function enrolledMtrAgent(): Promise<{ id: number; socket: AgentClient; probe: number }> {
    const created = await createAgent(owner, ws);
    const psk = await enroll(http, ws, created.agent.id, created.pin);
    const socket = agentSocket(t.url, { workspaceId: ws, agentId: created.agent.id, psk });
    expect(await connectOutcome(socket)).toBe('connected');
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'MTR', targets: [T1, T2] });
    expect(probe.status).toBe(201);
    return { id: created.agent.id, socket, probe: probe.body.id };
  }

  async function postMtr(agent: { socket: AgentClient; probe: number }, createdAt: string, target: string, path: MtrHop[]): Promise<void> {
    const ack = nextEvent<ProbePostOk>(agent.socket, 'probe_post_ok');
    agent.socket.emit('probe_post', { id: randomUUID(), probe_id: agent.probe, type: 'MTR', created_at: createdAt, target, payload: { target, hops: path } } as never);
    expect((await ack).rejected).toEqual([]);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-incidents-'));
    writeMmdb(join(dir, 'asn.mmdb'), {
      databaseType: 'GeoLite2-ASN',
      networks: [['81.2.69.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' }]],
    });
    t = await startTestApp('postgres', { GEOIP_ASN_DB: join(dir, 'asn.mmdb') });
    http = new Http(t.url);
    [owner, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    const otherWs = (await createWorkspace(outsider)).id;
    otherAgent = (await createAgent(outsider, otherWs)).agent.id;
    agents.push(await enrolledMtrAgent(), await enrolledMtrAgent(), await enrolledMtrAgent());
    const [a, b, c] = agents;
    // Minute 0: everyone clean (the baseline). Minute 30: a and b lose packets behind SHARED,
    // c (through its own transit 81.2.71.1) stays clean.
    for (const target of [T1, T2]) {
      await postMtr(a, at(0), target, hops(['192.168.1.1', 0, 0.5], [SHARED, 0, 8], [target, 0, 12]));
      await postMtr(b, at(0), target, hops(['10.0.0.1', 0, 1], [SHARED, 0, 9], [target, 0, 13]));
      await postMtr(c, at(0), target, hops(['10.1.0.1', 0, 1], ['81.2.71.1', 0, 5], [target, 0, 9]));
      await postMtr(a, at(30), target, hops(['192.168.1.1', 0, 0.5], [SHARED, 0, 8], [target, 30, 12]));
      await postMtr(b, at(30), target, hops(['10.0.0.1', 0, 1], [SHARED, 0, 9], [target, 40, 13]));
      await postMtr(c, at(30), target, hops(['10.1.0.1', 0, 1], ['81.2.71.1', 0, 5], [target, 0, 9]));
    }
    // Minute 45: a and c lose packets towards T1 behind two different routers of one AS.
    await postMtr(a, at(45), T1, hops(['192.168.1.1', 0, 0.5], ['81.2.69.6', 0, 8], [T1, 60, 12]));
    await postMtr(c, at(45), T1, hops(['10.1.0.1', 0, 1], ['81.2.69.5', 0, 5], [T1, 60, 9]));
  });

  afterAll(async () => {
    for (const x of agents) x.socket.close();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the shared hop with its AS, the probes and agents behind it, and per-path evidence', async () => {
    const [a, b] = agents;
    const res = await owner.http.get(`/workspaces/${ws}/network-map/incidents?from=${at(20)}&to=${at(35)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, limit: 1, offset: 0 });
    const [incident] = res.body.data;
    expect(incident).toMatchObject({
      kind: 'loss',
      scope: 'hop',
      addresses: [SHARED],
      hop: { ip: SHARED, hostname: null, asn: 64500, as_org: 'Example Transit', private: false },
      summary: `4 paths (2 probes) from 2 agents lose packets after AS64500 hop ${SHARED}`,
      paths: 4,
      probes: 2,
      agents: 2,
      targets: 2,
      degraded_paths: 4,
      confidence: 1,
      first_seen: at(30),
      last_seen: at(30),
    });
    expect(incident.evidence).toHaveLength(4);
    expect(incident.evidence[0]).toEqual({
      probe_id: a.probe, agent_id: a.id, agent_name: expect.stringMatching(/^agent-/), target: T1, hop: 2, ip: SHARED,
      loss_before_pct: 0, loss_after_pct: 30, rtt_before_ms: 8, rtt_after_ms: 12, baseline_loss_pct: 0, baseline_rtt_ms: 12, at: at(30),
    });
    expect(incident.evidence.map((e: { agent_id: number; target: string }) => [e.agent_id, e.target])).toEqual([
      [a.id, T1],
      [a.id, T2],
      [b.id, T1],
      [b.id, T2],
    ]);
  });

  it('answers no incident for a healthy window or one agent alone behind nothing shared', async () => {
    const [, , c] = agents;
    const clean = await owner.http.get(`/workspaces/${ws}/network-map/incidents?from=${at(-5)}&to=${at(5)}`);
    expect(clean.body).toEqual({ data: [], total: 0, limit: 0, offset: 0 });
    const onlyC = await owner.http.get(`/workspaces/${ws}/network-map/incidents?from=${at(20)}&to=${at(35)}&agentId=${c.id}`);
    expect(onlyC.body.total).toBe(0);
  });

  it('groups paths behind different routers of one AS when no address is shared (default window: the last 30 minutes)', async () => {
    const [a, , c] = agents;
    // Without `from`, the window is the last 30 minutes: only the minute-45 results are in it.
    const res = await owner.http.get(`/workspaces/${ws}/network-map/incidents`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.data[0]).toMatchObject({
      kind: 'loss',
      scope: 'as',
      hop: { ip: '81.2.69.5', asn: 64500, as_org: 'Example Transit' },
      addresses: ['81.2.69.5', '81.2.69.6'],
      summary: '2 paths (2 probes) from 2 agents lose packets after AS64500 (hops 81.2.69.5, 81.2.69.6)',
      paths: 2,
      agents: 2,
    });
    expect(res.body.data[0].evidence.map((e: { agent_id: number; ip: string; baseline_loss_pct: number }) => [e.agent_id, e.ip, e.baseline_loss_pct])).toEqual([
      [a.id, '81.2.69.6', 15],
      [c.id, '81.2.69.5', 0],
    ]);
  });

  it('answers bad input with a documented 400 or 404, and 404 to another workspace', async () => {
    const w = `/workspaces/${ws}/network-map/incidents`;
    expectError(await owner.http.get(`${w}?agentId=abc`), 400);
    expectError(await owner.http.get(`${w}?agentId=0`), 400);
    expectError(await owner.http.get(`${w}?agentId=${otherAgent}`), 404, 'not_found');
    expectError(await owner.http.get(`${w}?from=yesterday`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}?from=${at(10)}&to=${at(0)}`), 400, 'invalid_time');
    expectError(await owner.http.get(`${w}?unknown=1`), 400);
    expectError(await outsider.http.get(w), 404);
  });
});
