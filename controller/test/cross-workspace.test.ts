import type { AlertChangedMessage, NetworkMapUpdateMessage, SocketErrorMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { DataSource } from 'typeorm';
import { AlertEvaluator } from '../src/alerts/alert-evaluator.service';
import { DomainEventBus } from '../src/events/event-bus';
import { pingWithLoss, postResult } from './alerts/simulated-agent';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { createToken } from './support/tokens';
import { agentSocket, collect, connectOutcome, nextEvent, panelSocket } from './support/sockets';
import { addMember } from './support/workspace-members';

type Call = [method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown];

/** B's on-demand run and its speed-test queue entry (set in beforeAll; runs/ routes take them). */
const runOfB = { run: 0, queue: 0 };

/** Every read of one workspace's API (GET), for the role and token matrices. */
function readsOf(w: string, agent: number, probe: number): Call[] {
  return [
    ['GET', w],
    ['GET', `${w}/members`],
    ['GET', `${w}/agents`],
    ['GET', `${w}/agents/${agent}`],
    ['GET', `${w}/agents/${agent}/netinfo`],
    ['GET', `${w}/agents/${agent}/sysinfo`],
    ['GET', `${w}/agents/${agent}/probes`],
    ['GET', `${w}/agents/${agent}/probes/${probe}`],
    ['GET', `${w}/probe-data/find`],
    ['GET', `${w}/probe-data/probes/${probe}/data`],
    ['GET', `${w}/probe-data/latest?type=PING&agentId=${agent}`],
    ['GET', `${w}/probe-data/by-target/data?target=192.0.2.1`],
    ['GET', `${w}/probe-data/probes/${probe}/similar`],
    ['GET', `${w}/probe-data/probes/${probe}/chart`],
    ['GET', `${w}/probe-data/overview`],
    ['GET', `${w}/reports/sla`],
    ['GET', `${w}/reports/alerts`],
    ['GET', `${w}/reports/overview?format=csv`],
    ['GET', `${w}/agents/${agent}/update-policy`],
    ['GET', `${w}/network-map?agentId=${agent}`],
    ['GET', `${w}/network-map/paths?probeId=${probe}&target=192.0.2.1`],
    ['GET', `${w}/network-map/route-changes?probeId=${probe}&agentId=${agent}`],
    ['GET', `${w}/network-map/incidents?agentId=${agent}`],
    ['GET', `${w}/agents/${agent}/runs/${runOfB.run}`],
    ['GET', `${w}/speedtest-queue`],
  ];
}

/** The agent update-policy change of one workspace (ADMIN); reading it is open to every member. */
function aboveViewerOf(w: string, agent: number): Call[] {
  return [['PUT', `${w}/agents/${agent}/update-policy`, { mode: 'disabled' }]];
}
const READ_SCOPES = ['workspaces:read', 'agents:read', 'probes:read', 'probe-data:read', 'alerts:read', 'lookups:read'];
const WRITE_SCOPES = READ_SCOPES.map((scope) => scope.replace(':read', ':write'));

/** Every change to one workspace (bodies valid, so only the role or scope can refuse them). */
function writesOf(w: string, agent: number, probe: number, member: number, someUserId: number): Call[] {
  return [
    ['PATCH', w, { name: 'hijacked' }],
    ['DELETE', w],
    ['POST', `${w}/members`, { email: 'someone@example.test', role: 'USER' }],
    ['PATCH', `${w}/members/${member}`, { role: 'USER' }],
    ['DELETE', `${w}/members/${member}`],
    ['POST', `${w}/transfer-ownership`, { newOwnerUserId: someUserId }],
    ['POST', `${w}/agents`, { name: 'intruder' }],
    ['PATCH', `${w}/agents/${agent}`, { name: 'hijacked' }],
    ['DELETE', `${w}/agents/${agent}`],
    ['POST', `${w}/agents/${agent}/heartbeat`],
    ['POST', `${w}/agents/${agent}/issue-pin`, {}],
    ['POST', `${w}/agents/${agent}/probes`, { type: 'PING', targets: ['192.0.2.9'] }],
    ['PATCH', `${w}/agents/${agent}/probes/${probe}`, { enabled: false }],
    ['DELETE', `${w}/agents/${agent}/probes/${probe}`],
    ['POST', `${w}/agents/${agent}/probes/copy`, { source_agent_id: agent, dest_agent_ids: [agent] }],
    ['POST', `${w}/agents/${agent}/runs`, { type: 'PING', targets: ['192.0.2.9'] }],
    ['POST', `${w}/speedtest-queue/${runOfB.queue}/cancel`],
    // ADMIN actions that read or write the whole configuration.
    ['POST', `${w}/export`, { passphrase: 'a long shared passphrase' }],
    ['POST', `${w}/import`, { passphrase: 'a long shared passphrase', file: {}, dry_run: true }],
  ];
}

/** The ids of one workspace's alert machinery: a rule, an alert it fired, its dead-lettered webhook, a maintenance window. */
interface AlertIds {
  rule: number;
  alert: number;
  notification: number;
  window: number;
}

/** Alert reads open to every member (VIEWER included). */
function alertReadsOf(w: string, a: AlertIds): Call[] {
  return [
    ['GET', `${w}/alert-rules`],
    ['GET', `${w}/alert-rules/${a.rule}`],
    ['GET', `${w}/maintenance-windows`],
    ['GET', `/alerts/${a.alert}/history`],
  ];
}

/** Alert routes for ADMIN and above (bodies valid, so only the role or scope can refuse them). */
function alertAdminCallsOf(w: string, a: AlertIds): Call[] {
  const day = 86_400_000;
  return [
    ['POST', `${w}/alert-rules`, { name: 'intruder', metric: 'latency', operator: '>', threshold: 500 }],
    ['PATCH', `${w}/alert-rules/${a.rule}`, { threshold: 50 }],
    ['DELETE', `${w}/alert-rules/${a.rule}`],
    ['POST', `${w}/alert-rules/${a.rule}/test`],
    ['GET', `${w}/notifications`],
    ['POST', `${w}/notifications/${a.notification}/retry`],
    ['POST', `${w}/maintenance-windows`, { starts_at: new Date(Date.now() + day).toISOString(), ends_at: new Date(Date.now() + 2 * day).toISOString() }],
    ['DELETE', `${w}/maintenance-windows/${a.window}`],
  ];
}

/** Acknowledging an alert takes USER or above. */
function alertUserCallsOf(a: AlertIds): Call[] {
  return [['PATCH', `/alerts/${a.alert}`, { status: 'acknowledged' }]];
}

async function statuses(http: Http, calls: Call[]): Promise<string[]> {
  const answers: string[] = [];
  for (const [method, path, body] of calls) {
    const res = await http.request(method, path, body);
    answers.push(`${method} ${path} → ${res.status}`);
  }
  return answers;
}

/**
 * The isolation matrix: a member (even the OWNER) of workspace A calls every endpoint of
 * workspace B with B's real ids. Every call must answer 404 (indistinguishable from a missing
 * workspace) and B's configuration rows must be exactly as before.
 */
describeOnEachDatabase('cross-workspace isolation', (mode) => {
  let t: TestApp;
  let ownerB: TestUser;
  let memberA: TestUser;
  let wsA: number;
  let wsB: number;
  let agentB: number;
  let agentA: number;
  let probeB: number;
  let memberB: number;
  let viewerB: TestUser;
  let userB: TestUser;
  let alertB: AlertIds;

  beforeAll(async () => {
    // B's webhook goes to a closed loopback port and dead-letters after its one attempt.
    t = await startTestApp(mode, { ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1', ALERT_NOTIFY_MAX_ATTEMPTS: '1', ALERT_WORKER_INTERVAL_MS: '50' });
    const http = new Http(t.url);
    ownerB = await registerUser(http, 'owner-b');
    memberA = await registerUser(http, 'owner-a');
    wsB = (await createWorkspace(ownerB, 'b')).id;
    wsA = (await createWorkspace(memberA, 'a')).id;
    const b = await createAgent(ownerB, wsB);
    agentB = b.agent.id;
    const pskB = await enroll(http, wsB, agentB, b.pin);
    agentA = (await createAgent(memberA, wsA)).agent.id;
    probeB = (
      await ownerB.http.post(`/workspaces/${wsB}/agents/${agentB}/probes`, { type: 'PING', targets: ['192.0.2.1'] })
    ).body.id;
    const members = await ownerB.http.get(`/workspaces/${wsB}/members`);
    memberB = members.body.data[0].id;
    viewerB = await registerUser(http, 'viewer-b');
    await addMember(ownerB, wsB, viewerB, 'VIEWER');
    userB = await registerUser(http, 'user-b');
    await addMember(ownerB, wsB, userB, 'USER');
    alertB = await fireAlertInB(pskB);
    Object.assign(runOfB, await queuedRunInB());
  });

  /** A queued speed test of B's (offline, so it stays queued) agent, written as runs/ stores one. */
  async function queuedRunInB(): Promise<{ run: number; queue: number }> {
    const db = t.app.get(DataSource);
    const config = { id: 0, type: 'SPEEDTEST', enabled: true, interval_sec: 3600, timeout_sec: 120, count: 0, duration_sec: 0, server: false, targets: [], agent_targets: [], updated_at: new Date().toISOString() };
    const [run] = await db.query(
      `INSERT INTO probe_runs (workspace_id, agent_id, type, config, status, origin) VALUES ($1, $2, 'SPEEDTEST', $3::jsonb, 'queued', 'on_demand') RETURNING id`,
      [wsB, agentB, JSON.stringify(config)],
    );
    const [queue] = await db.query(`INSERT INTO speedtest_queue (run_id, workspace_id, agent_id, source, status) VALUES ($1, $2, $3, 'on_demand', 'queued') RETURNING id`, [run.id, wsB, agentB]);
    return { run: run.id, queue: queue.id };
  }

  /** A rule of B fires on a result of B's agent; its webhook dead-letters; B has a future maintenance window. */
  async function fireAlertInB(pskB: string): Promise<AlertIds> {
    const w = `/workspaces/${wsB}`;
    const rule = await ownerB.http.post(`${w}/alert-rules`, {
      name: 'loss in B', metric: 'packet_loss', operator: '>', threshold: 5, probe_id: probeB,
      notify_webhook: true, webhook_url: 'http://127.0.0.1:1/hook',
    });
    const day = 86_400_000;
    const window = await ownerB.http.post(`${w}/maintenance-windows`, {
      starts_at: new Date(Date.now() + day).toISOString(), ends_at: new Date(Date.now() + 2 * day).toISOString(),
    });
    expect([rule.status, window.status]).toEqual([201, 201]);
    const connectedAt = Date.now();
    const socket = agentSocket(t.url, { workspaceId: wsB, agentId: agentB, psk: pskB });
    expect(await connectOutcome(socket)).toBe('connected');
    await postResult(socket, pingWithLoss(probeB, 100, new Date(), '192.0.2.1'));
    await t.app.get(AlertEvaluator).idle();
    socket.disconnect();
    const db = t.app.get(DataSource);
    // B's rows must stand still before the tests snapshot them: the connection's presence write and the webhook's one attempt.
    await waitUntil('the presence write of B\'s agent', async () => {
      const [row] = await db.query('SELECT last_seen_at FROM agents WHERE id = $1', [agentB]);
      return new Date(row.last_seen_at).getTime() >= connectedAt;
    });
    const [notification] = await waitUntil('B\'s webhook on the dead-letter list', () =>
      db.query(`SELECT id FROM notification_outbox WHERE workspace_id = $1 AND status = 'dead'`, [wsB]).then((rows: { id: string }[]) => (rows.length ? rows : undefined)),
    );
    const [alert] = await db.query('SELECT id FROM alerts WHERE workspace_id = $1', [wsB]);
    return { rule: rule.body.id, alert: alert.id, notification: Number(notification.id), window: window.body.id };
  }

  afterAll(async () => {
    await t?.close();
  });

  async function snapshotOfB(): Promise<unknown> {
    const db = t.app.get(DataSource);
    return {
      workspace: await db.query('SELECT * FROM workspaces WHERE id = $1', [wsB]),
      members: await db.query('SELECT * FROM workspace_members WHERE workspace_id = $1 ORDER BY id', [wsB]),
      agents: await db.query('SELECT * FROM agents WHERE workspace_id = $1 ORDER BY id', [wsB]),
      probes: await db.query('SELECT * FROM probes WHERE workspace_id = $1 ORDER BY id', [wsB]),
      // A refused request leaves no trace in B's audit log either.
      audit: await db.query('SELECT * FROM audit_entries WHERE workspace_id = $1 ORDER BY seq', [wsB]),
      alertRules: await db.query('SELECT * FROM alert_rules WHERE workspace_id = $1 ORDER BY id', [wsB]),
      alerts: await db.query('SELECT * FROM alerts WHERE workspace_id = $1 ORDER BY id', [wsB]),
      maintenanceWindows: await db.query('SELECT * FROM maintenance_windows WHERE workspace_id = $1 ORDER BY id', [wsB]),
      notifications: await db.query('SELECT * FROM notification_outbox WHERE workspace_id = $1 ORDER BY id', [wsB]),
      runs: await db.query('SELECT * FROM probe_runs WHERE workspace_id = $1 ORDER BY id', [wsB]),
      speedtestQueue: await db.query('SELECT * FROM speedtest_queue WHERE workspace_id = $1 ORDER BY id', [wsB]),
    };
  }

  it('answers 404 to every workspace-B endpoint and changes nothing', async () => {
    const w = `/workspaces/${wsB}`;
    const calls: Call[] = [
      ['GET', w],
      ['PATCH', w, { name: 'hijacked' }],
      ['DELETE', w],
      ['GET', `${w}/members`],
      ['POST', `${w}/members`, { email: 'someone@example.test', role: 'USER' }],
      ['PATCH', `${w}/members/${memberB}`, { role: 'USER' }],
      ['DELETE', `${w}/members/${memberB}`],
      ['POST', `${w}/transfer-ownership`, { newOwnerUserId: memberA.id }],
      ['GET', `${w}/agents`],
      ['POST', `${w}/agents`, { name: 'intruder' }],
      ['GET', `${w}/agents/${agentB}`],
      ['PATCH', `${w}/agents/${agentB}`, { name: 'hijacked' }],
      ['DELETE', `${w}/agents/${agentB}`],
      ['POST', `${w}/agents/${agentB}/heartbeat`],
      ['POST', `${w}/agents/${agentB}/issue-pin`, {}],
      ['GET', `${w}/agents/${agentB}/netinfo`],
      ['GET', `${w}/agents/${agentB}/sysinfo`],
      ['GET', `${w}/agents/${agentB}/probes`],
      ['POST', `${w}/agents/${agentB}/probes`, { type: 'PING', targets: ['192.0.2.9'] }],
      ['GET', `${w}/agents/${agentB}/probes/${probeB}`],
      ['PATCH', `${w}/agents/${agentB}/probes/${probeB}`, { enabled: false }],
      ['DELETE', `${w}/agents/${agentB}/probes/${probeB}`],
      ['POST', `${w}/agents/${agentB}/probes/copy`, { source_agent_id: agentB, dest_agent_ids: [agentA] }],
      ['GET', `${w}/probe-data/find`],
      ['GET', `${w}/probe-data/probes/${probeB}/data`],
      ['GET', `${w}/probe-data/latest?type=PING&agentId=${agentB}`],
      ['GET', `${w}/probe-data/by-target/data?target=192.0.2.1`],
      ['GET', `${w}/probe-data/probes/${probeB}/similar`],
      ['GET', `${w}/probe-data/probes/${probeB}/chart`],
      ['GET', `${w}/probe-data/overview`],
      ['GET', `${w}/audit`],
      ['GET', `${w}/audit?format=csv`],
      ['GET', `${w}/audit/verify`],
      ['GET', `${w}/reports/sla`],
      ['GET', `${w}/reports/alerts?format=pdf`],
      ['GET', `${w}/reports/overview`],
      ['GET', `${w}/network-map`],
      ['GET', `${w}/network-map/paths?probeId=${probeB}&target=192.0.2.1`],
      ['GET', `${w}/network-map/route-changes`],
      ['GET', `${w}/network-map/incidents?agentId=${agentB}`],
      ['POST', `${w}/export`, { passphrase: 'a long shared passphrase' }],
      ['POST', `${w}/import`, { passphrase: 'a long shared passphrase', file: {}, dry_run: true }],
      ['POST', `${w}/agents/${agentB}/runs`, { type: 'PING', targets: ['192.0.2.9'] }],
      ['GET', `${w}/agents/${agentB}/runs/${runOfB.run}`],
      ['GET', `${w}/speedtest-queue`],
      ['POST', `${w}/speedtest-queue/${runOfB.queue}/cancel`],
      ...aboveViewerOf(w, agentB),
      ...alertReadsOf(w, alertB),
      ...alertAdminCallsOf(w, alertB),
      ...alertUserCallsOf(alertB),
    ];
    const before = await snapshotOfB();
    const answers: string[] = [];
    for (const [method, path, body] of calls) {
      const res = await memberA.http.request(method, path, body);
      answers.push(`${method} ${path} → ${res.status}${res.status === 404 ? '' : ` ${JSON.stringify(res.body)}`}`);
    }
    expect(answers).toEqual(calls.map(([method, path]) => `${method} ${path} → 404`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('does not let A reach B through ids of its own workspace either', async () => {
    // B's agent and probe addressed under A's workspace: still 404, still untouched.
    const before = await snapshotOfB();
    const res = [
      await memberA.http.get(`/workspaces/${wsA}/agents/${agentB}`),
      await memberA.http.patch(`/workspaces/${wsA}/agents/${agentB}`, { name: 'x' }),
      await memberA.http.get(`/workspaces/${wsA}/agents/${agentA}/probes/${probeB}`),
      await memberA.http.delete(`/workspaces/${wsA}/agents/${agentA}/probes/${probeB}`),
      await memberA.http.get(`/workspaces/${wsA}/probe-data/probes/${probeB}/data`),
      await memberA.http.post(`/workspaces/${wsA}/agents/${agentA}/probes`, { type: 'AGENT', agent_targets: [agentB] }),
      await memberA.http.post(`/workspaces/${wsA}/agents/${agentA}/probes/copy`, {
        source_agent_id: agentA,
        dest_agent_ids: [agentB],
      }),
    ].map((r) => r.status);
    expect(res.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    // Naming a foreign agent as a target or copy destination is refused (400 or 404), never done.
    expect([400, 404]).toContain(res[5]);
    expect(res[6] === 400 || res[6] === 404 || res[6] === 200).toBe(true);
    expect(await snapshotOfB()).toEqual(before);
    const probesOfA = await memberA.http.get(`/workspaces/${wsA}/agents/${agentA}/probes`);
    expect(probesOfA.body.data.every((p: { agent_targets: number[] }) => !p.agent_targets.includes(agentB))).toBe(true);
  });

  it('does not draw the agents or paths of B on the network map of A (404 for ids of B under A)', async () => {
    const map = await memberA.http.get(`/workspaces/${wsA}/network-map?agentId=${agentB}`);
    const paths = await memberA.http.get(`/workspaces/${wsA}/network-map/paths?probeId=${probeB}&target=192.0.2.1`);
    const changes = await memberA.http.get(`/workspaces/${wsA}/network-map/route-changes?probeId=${probeB}`);
    const changesOfAgent = await memberA.http.get(`/workspaces/${wsA}/network-map/route-changes?agentId=${agentB}`);
    const incidents = await memberA.http.get(`/workspaces/${wsA}/network-map/incidents?agentId=${agentB}`);
    expect([map.status, paths.status, changes.status, changesOfAgent.status, incidents.status]).toEqual([404, 404, 404, 404, 404]);
  });

  it('lets a VIEWER of B read everything of B (as the owner does) and change nothing (403)', async () => {
    const w = `/workspaces/${wsB}`;
    const reads = [...readsOf(w, agentB, probeB), ...alertReadsOf(w, alertB)];
    const ownerReads = await statuses(ownerB.http, reads);
    // B's agent has connected and reported, so every read has something to answer.
    expect(ownerReads).toEqual(reads.map(([method, path]) => `${method} ${path} → 200`));
    expect(await statuses(viewerB.http, reads)).toEqual(ownerReads);

    const before = await snapshotOfB();
    const writes = [...writesOf(w, agentB, probeB, memberB, viewerB.id), ...alertAdminCallsOf(w, alertB), ...alertUserCallsOf(alertB)];
    expect(await statuses(viewerB.http, writes)).toEqual(writes.map(([method, path]) => `${method} ${path} → 403`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('keeps the audit log to ADMINs of B: a VIEWER gets 403, the owner reads it', async () => {
    const w = `/workspaces/${wsB}`;
    const audit: Call[] = [
      ['GET', `${w}/audit`],
      ['GET', `${w}/audit?format=csv`],
      ['GET', `${w}/audit/verify`],
    ];
    expect(await statuses(viewerB.http, audit)).toEqual(audit.map(([method, path]) => `${method} ${path} → 403`));
    expect(await statuses(userB.http, audit)).toEqual(audit.map(([method, path]) => `${method} ${path} → 403`));
    expect(await statuses(ownerB.http, audit)).toEqual(audit.map(([method, path]) => `${method} ${path} → 200`));
  });

  it('refuses a VIEWER of B the update-policy change (403)', async () => {
    const before = await snapshotOfB();
    const calls = aboveViewerOf(`/workspaces/${wsB}`, agentB);
    expect(await statuses(viewerB.http, calls)).toEqual(calls.map(([method, path]) => `${method} ${path} → 403`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('keeps a token restricted to another workspace out of B: 404 everywhere, nothing changed', async () => {
    const elsewhere = (await createWorkspace(ownerB, 'b-elsewhere')).id;
    const token = await createToken(ownerB, [...WRITE_SCOPES], { workspace_ids: [elsewhere] });
    const w = `/workspaces/${wsB}`;
    const calls = [...readsOf(w, agentB, probeB), ...writesOf(w, agentB, probeB, memberB, viewerB.id)];
    const before = await snapshotOfB();
    expect(await statuses(token.http, calls)).toEqual(calls.map(([method, path]) => `${method} ${path} → 404`));
    expect(await snapshotOfB()).toEqual(before);
    const listed = await token.http.get('/workspaces?limit=200');
    expect(listed.body.data.map((ws: { id: number }) => ws.id)).toEqual([elsewhere]);
  });

  it('refuses a token without the scope a route needs (403 scope_missing), and a read-only token every change', async () => {
    const w = `/workspaces/${wsB}`;
    const reads = readsOf(w, agentB, probeB);
    const writes = writesOf(w, agentB, probeB, memberB, viewerB.id);
    const before = await snapshotOfB();
    const lookupsOnly = await createToken(ownerB, ['lookups:read']);
    for (const [method, path, body] of [...reads, ...writes]) {
      const res = await lookupsOnly.http.request(method, path, body);
      expect({ call: `${method} ${path}`, status: res.status, code: res.body?.code }).toEqual({ call: `${method} ${path}`, status: 403, code: 'scope_missing' });
    }
    const readOnly = await createToken(ownerB, [...READ_SCOPES]);
    expect(await statuses(readOnly.http, reads)).toEqual(await statuses(ownerB.http, reads));
    expect(await statuses(readOnly.http, writes)).toEqual(writes.map(([method, path]) => `${method} ${path} → 403`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('keeps API tokens per user: another user cannot see or delete them, and no token can manage them', async () => {
    const token = await createToken(ownerB, ['workspaces:read']);
    const rows = async (): Promise<unknown> => t.app.get(DataSource).query('SELECT id, name, scopes FROM api_tokens ORDER BY id');
    const before = await rows();
    expect((await memberA.http.get('/auth/tokens?limit=200')).body.data.map((tk: { id: number }) => tk.id)).not.toContain(token.id);
    expect((await memberA.http.delete(`/auth/tokens/${token.id}`)).status).toBe(404);
    const aToken = await createToken(memberA, [...WRITE_SCOPES, 'admin'].filter((scope) => scope !== 'admin'));
    for (const [method, path, body] of [
      ['GET', '/auth/tokens'],
      ['POST', '/auth/tokens', { name: 'child', scopes: ['workspaces:read'] }],
      ['DELETE', `/auth/tokens/${token.id}`],
      ['DELETE', `/auth/tokens/${aToken.id}`],
    ] as Call[]) {
      const res = await aToken.http.request(method, path, body);
      expect({ call: `${method} ${path}`, status: res.status, code: res.body?.code }).toEqual({ call: `${method} ${path}`, status: 403, code: 'session_required' });
    }
    const after = (await rows()) as unknown[];
    expect(after.slice(0, (before as unknown[]).length)).toEqual(before);
    expect((await token.http.get('/workspaces')).status).toBe(200);
  });

  it('refuses a USER of B every alert route that takes ADMIN (403) and changes nothing', async () => {
    const before = await snapshotOfB();
    const calls = alertAdminCallsOf(`/workspaces/${wsB}`, alertB);
    expect(await statuses(userB.http, calls)).toEqual(calls.map(([method, path]) => `${method} ${path} → 403`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('sends B\'s alert panel events to members of B only', async () => {
    const member = panelSocket(t.url, viewerB.token);
    const outsider = panelSocket(t.url, memberA.token);
    try {
      const subscribed = nextEvent(member, 'subscribed');
      member.emit('subscribe', { workspace_id: wsB, probe_id: 0 });
      await subscribed;
      const refused = nextEvent<SocketErrorMessage>(outsider, 'error_message');
      outsider.emit('subscribe', { workspace_id: wsB, probe_id: 0 });
      expect(await refused).toMatchObject({ code: 'not_found' });
      const memberSaw = collect<AlertChangedMessage>(member, 'alert');
      const outsiderSaw = collect<AlertChangedMessage>(outsider, 'alert');

      expect((await userB.http.patch(`/alerts/${alertB.alert}`, { status: 'acknowledged' })).status).toBe(200);
      await waitUntil('the member to hear of the acknowledgement', async () => memberSaw.length > 0);
      expect(memberSaw).toEqual([expect.objectContaining({ action: 'acknowledged', workspace_id: wsB, alert: expect.objectContaining({ id: alertB.alert }) })]);
      // The room's emit wrote to every socket in it at once; an answer the outsider gets after it
      // travels the same connection behind anything sent to it before.
      const own = nextEvent(outsider, 'subscribed');
      outsider.emit('subscribe', { workspace_id: wsA, probe_id: 0 });
      await own;
      expect(outsiderSaw).toEqual([]);
    } finally {
      member.disconnect();
      outsider.disconnect();
    }
  });

  it('sends B\'s network_map_update to members of B subscribed to its data only', async () => {
    const member = panelSocket(t.url, viewerB.token);
    const alertsOnly = panelSocket(t.url, viewerB.token);
    const outsider = panelSocket(t.url, memberA.token);
    try {
      for (const [socket, msg] of [
        [member, { workspace_id: wsB, probe_id: probeB }],
        [alertsOnly, { workspace_id: wsB, probe_id: 0, alerts_only: true }],
        [outsider, { workspace_id: wsA, probe_id: 0 }],
      ] as const) {
        const subscribed = nextEvent(socket, 'subscribed');
        socket.emit('subscribe', msg);
        await subscribed;
      }
      const memberSaw = collect<NetworkMapUpdateMessage>(member, 'network_map_update');
      const alertsOnlySaw = collect<NetworkMapUpdateMessage>(alertsOnly, 'network_map_update');
      const outsiderSaw = collect<NetworkMapUpdateMessage>(outsider, 'network_map_update');
      await t.app.get(DomainEventBus).emit('network_map.changed', { type: 'network_map_update', workspace_id: wsB, nodes: [], edges: [], generated_at: new Date().toISOString() });
      await waitUntil('the member to receive B\'s map update', async () => memberSaw.length > 0);
      // Sentinels behind the update on the same connections: anything sent before has arrived.
      for (const [socket, workspace] of [
        [alertsOnly, wsB],
        [outsider, wsA],
      ] as const) {
        const own = nextEvent(socket, 'subscribed');
        socket.emit('subscribe', { workspace_id: workspace, probe_id: 0 });
        await own;
      }
      expect(memberSaw).toEqual([expect.objectContaining({ workspace_id: wsB })]);
      expect(alertsOnlySaw).toEqual([]);
      expect(outsiderSaw).toEqual([]);
    } finally {
      member.disconnect();
      alertsOnly.disconnect();
      outsider.disconnect();
    }
  });

  it('does not list B anywhere A can look', async () => {
    const list = await memberA.http.get('/workspaces?limit=200');
    expect(list.body.data.map((w: { id: number }) => w.id)).not.toContain(wsB);
    const alerts = await memberA.http.get('/workspaces/alerts?limit=200');
    expect(alerts.body).toMatchObject({ data: [], total: 0 });
    expect((await memberA.http.get('/workspaces/alerts/count')).body).toEqual({ count: 0 });
  });

  it('keeps B\'s runs and speed-test queue out of A\'s reach, and their panel events to members of B', async () => {
    const before = await snapshotOfB();
    const reach = [
      await memberA.http.get(`/workspaces/${wsA}/agents/${agentA}/runs/${runOfB.run}`),
      await memberA.http.post(`/workspaces/${wsA}/speedtest-queue/${runOfB.queue}/cancel`),
      await memberA.http.get(`/workspaces/${wsA}/speedtest-queue?agent_id=${agentB}`),
    ];
    expect(reach.map((r) => r.status)).toEqual([404, 404, 200]);
    expect(reach[2].body).toMatchObject({ data: [], total: 0 });
    expect(await snapshotOfB()).toEqual(before);

    const member = panelSocket(t.url, viewerB.token);
    const outsider = panelSocket(t.url, memberA.token);
    try {
      for (const [socket, ws] of [[member, wsB], [outsider, wsA]] as const) {
        const subscribed = nextEvent(socket, 'subscribed');
        socket.emit('subscribe', { workspace_id: ws, probe_id: 0 });
        await subscribed;
      }
      const seen: unknown[] = [];
      member.on('speedtest_update', (m) => seen.push(m));
      member.on('run_update', (m) => seen.push(m));
      const leaked: unknown[] = [];
      outsider.on('speedtest_update', (m) => leaked.push(m));
      outsider.on('run_update', (m) => leaked.push(m));
      expect((await ownerB.http.post(`/workspaces/${wsB}/speedtest-queue/${runOfB.queue}/cancel`)).status).toBe(200);
      await waitUntil('the member to hear of the cancel', () => seen.length >= 2);
      expect(seen).toEqual(
        expect.arrayContaining([
          { type: 'speedtest_update', workspace_id: wsB, agent_id: agentB, queue_id: runOfB.queue, status: 'cancelled' },
          expect.objectContaining({ type: 'run_update', workspace_id: wsB, run_id: runOfB.run, status: 'cancelled' }),
        ]),
      );
      // As for alerts: an answer sent to the outsider after the emit arrives behind anything sent before it.
      const own = nextEvent(outsider, 'subscribed');
      outsider.emit('subscribe', { workspace_id: wsA, probe_id: 0 });
      await own;
      expect(leaked).toEqual([]);
    } finally {
      member.disconnect();
      outsider.disconnect();
    }
  });
});
