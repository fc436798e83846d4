import { DataSource } from 'typeorm';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { createToken } from './support/tokens';
import { addMember } from './support/workspace-members';

type Call = [method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown];

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
  ];
}

/** The alert and update-policy routes of one workspace, which need more than VIEWER even to read. */
function aboveViewerOf(w: string, agent: number): Call[] {
  return [
    ['GET', `${w}/alert-rules`],
    ['POST', `${w}/alert-rules`, { name: 'intruder', metric: 'packet_loss', operator: 'gt', threshold: 50 }],
    ['GET', `${w}/alert-rules/1`],
    ['PATCH', `${w}/alert-rules/1`, { enabled: false }],
    ['DELETE', `${w}/alert-rules/1`],
    ['POST', `${w}/alert-rules/1/test`],
    ['GET', `${w}/notifications`],
    ['POST', `${w}/notifications/1/retry`],
    ['GET', `${w}/maintenance-windows`],
    ['POST', `${w}/maintenance-windows`, { starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-01-01T01:00:00Z' }],
    ['DELETE', `${w}/maintenance-windows/1`],
    ['GET', `${w}/agents/${agent}/update-policy`],
    ['PUT', `${w}/agents/${agent}/update-policy`, { mode: 'disabled' }],
  ];
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
    // ADMIN actions that read or write the whole configuration.
    ['POST', `${w}/export`, { passphrase: 'a long shared passphrase' }],
    ['POST', `${w}/import`, { passphrase: 'a long shared passphrase', file: {}, dry_run: true }],
  ];
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

  beforeAll(async () => {
    t = await startTestApp(mode);
    const http = new Http(t.url);
    ownerB = await registerUser(http, 'owner-b');
    memberA = await registerUser(http, 'owner-a');
    wsB = (await createWorkspace(ownerB, 'b')).id;
    wsA = (await createWorkspace(memberA, 'a')).id;
    const b = await createAgent(ownerB, wsB);
    agentB = b.agent.id;
    await enroll(http, wsB, agentB, b.pin);
    agentA = (await createAgent(memberA, wsA)).agent.id;
    probeB = (
      await ownerB.http.post(`/workspaces/${wsB}/agents/${agentB}/probes`, { type: 'PING', targets: ['192.0.2.1'] })
    ).body.id;
    const members = await ownerB.http.get(`/workspaces/${wsB}/members`);
    memberB = members.body.data[0].id;
    viewerB = await registerUser(http, 'viewer-b');
    await addMember(ownerB, wsB, viewerB, 'VIEWER');
  });

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
      ['GET', `${w}/reports/sla`],
      ['GET', `${w}/reports/alerts?format=pdf`],
      ['GET', `${w}/reports/overview`],
      ['POST', `${w}/export`, { passphrase: 'a long shared passphrase' }],
      ['POST', `${w}/import`, { passphrase: 'a long shared passphrase', file: {}, dry_run: true }],
      ...aboveViewerOf(w, agentB),
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

  it('lets a VIEWER of B read everything of B (as the owner does) and change nothing (403)', async () => {
    const w = `/workspaces/${wsB}`;
    const reads = readsOf(w, agentB, probeB);
    const ownerReads = await statuses(ownerB.http, reads);
    // No agent has reported yet: the latest result is 404 for the owner too (netinfo and sysinfo
    // answer 200 with null data until the first report).
    const noData = new Set([`${w}/probe-data/latest?type=PING&agentId=${agentB}`]);
    expect(ownerReads).toEqual(reads.map(([method, path]) => `${method} ${path} → ${noData.has(path) ? 404 : 200}`));
    expect(await statuses(viewerB.http, reads)).toEqual(ownerReads);

    const before = await snapshotOfB();
    const writes = writesOf(w, agentB, probeB, memberB, viewerB.id);
    expect(await statuses(viewerB.http, writes)).toEqual(writes.map(([method, path]) => `${method} ${path} → 403`));
    expect(await snapshotOfB()).toEqual(before);
  });

  it('refuses a VIEWER of B the alert and update-policy routes (403), reads included', async () => {
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

  it('does not list B anywhere A can look', async () => {
    const list = await memberA.http.get('/workspaces?limit=200');
    expect(list.body.data.map((w: { id: number }) => w.id)).not.toContain(wsB);
  });
});
