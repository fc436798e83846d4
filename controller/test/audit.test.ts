import { DataSource } from 'typeorm';
import { AuditRetention } from '../src/audit/audit-retention.service';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { createToken } from './support/tokens';
import { DbMode, startTestApp, TestApp } from './support/test-app';
import { addMember, expectError, memberIdOf } from './support/workspace-members';

interface Entry {
  id: number;
  seq: number;
  action: string;
  actor_user_id: number | null;
  source_address: string | null;
  request_id: string | null;
  target_type: string | null;
  target_id: string | null;
  changes: Record<string, any>;
}

async function auditOf(http: Http, ws: number, query = 'limit=200'): Promise<Entry[]> {
  const res = await http.get(`/workspaces/${ws}/audit?${query}`);
  if (res.status !== 200) throw new Error(`audit list failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data;
}

function db(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

/** The chain tests run on both stores: PGlite has one session, so its locking differs. */
describe.each<DbMode>(['postgres', 'pglite'])('audit chain on %s', (mode) => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;

  beforeAll(async () => {
    t = await startTestApp(mode);
    owner = await registerUser(new Http(t.url), 'audit-owner');
    ws = (await createWorkspace(owner, 'audited')).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('never forks under concurrent changes: seqs stay contiguous and the chain verifies', async () => {
    const patches = await Promise.all(
      Array.from({ length: 12 }, (_, i) => owner.http.patch(`/workspaces/${ws}`, { description: `v${i}` })),
    );
    expect(patches.map((r) => r.status)).toEqual(patches.map(() => 200));
    const seqs = (await auditOf(owner.http, ws)).map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBeGreaterThanOrEqual(12);
    const verify = await owner.http.get(`/workspaces/${ws}/audit/verify`);
    expect(verify.body).toEqual({ ok: true, checked: seqs.length, first_seq: 1, last_seq: seqs.length, broken: null });
  });

  it('never deadlocks when different changes of one workspace race (the chain lock is taken last)', async () => {
    const rules = await Promise.all(
      [1, 2, 3].map((i) =>
        owner.http.post(`/workspaces/${ws}/alert-rules`, {
          name: `r${i}`,
          metric: 'packet_loss',
          operator: '>',
          threshold: i,
        }),
      ),
    );
    const ids = rules.map((r) => r.body.id as number);
    const answers = await Promise.all([
      ...ids.map((id) => owner.http.patch(`/workspaces/${ws}/alert-rules/${id}`, { threshold: 50 })),
      ...ids.map((id) => owner.http.delete(`/workspaces/${ws}/alert-rules/${id}`)),
      owner.http.patch(`/workspaces/${ws}`, { description: 'racing' }),
    ]);
    expect(answers.every((r) => r.status < 500)).toBe(true);
    expect((await owner.http.get(`/workspaces/${ws}/audit/verify`)).body).toMatchObject({ ok: true, broken: null });
  });

  it('names the first tampered entry, then the first missing one', async () => {
    const entries = await auditOf(owner.http, ws);
    const victim = entries.find((e) => e.seq === 3)!;
    await db(t).query(
      `UPDATE audit_entries SET changes = '{"description": {"from": "v1", "to": "forged"}}' WHERE id = $1`,
      [victim.id],
    );
    const tampered = await owner.http.get(`/workspaces/${ws}/audit/verify`);
    expect(tampered.body).toEqual({
      ok: false,
      checked: 3,
      first_seq: 1,
      last_seq: 2,
      broken: { id: victim.id, seq: 3, reason: 'hash_mismatch' },
    });

    // Deleting the forged entry does not hide it: its successor no longer follows entry 2.
    await db(t).query('DELETE FROM audit_entries WHERE id = $1', [victim.id]);
    const next = entries.find((e) => e.seq === 4)!;
    const gap = await owner.http.get(`/workspaces/${ws}/audit/verify`);
    expect(gap.body.broken).toEqual({ id: next.id, seq: 4, reason: 'missing_entries' });
  });
});

describe('audit log', () => {
  let t: TestApp;
  let base: Http;
  let admin: TestUser; // the first account: instance administrator
  let owner: TestUser;
  let member: TestUser;
  let ws: number;

  beforeAll(async () => {
    t = await startTestApp('postgres', { ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1' });
    base = new Http(t.url);
    admin = await registerUser(base, 'instance-admin');
    owner = await registerUser(base, 'owner');
    member = await registerUser(base, 'member');
    ws = (await createWorkspace(owner, 'audit')).id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('records every change with actor, source address, request id and what changed, and no secret', async () => {
    const rename = await owner.http.request(
      'PATCH',
      `/workspaces/${ws}`,
      { name: 'renamed', settings: { theme: 'dark' } },
      { 'x-request-id': 'audit-req-1' },
    );
    expect(rename.status).toBe(200);
    const { agent, pin } = await createAgent(owner, ws, { name: 'edge' });
    const psk = await enroll(base, ws, agent.id, pin);
    const reissued = await owner.http.post(`/workspaces/${ws}/agents/${agent.id}/issue-pin`, {});
    await owner.http.patch(`/workspaces/${ws}/agents/${agent.id}`, { location: 'rack 4' });
    await owner.http.request('PUT', `/workspaces/${ws}/agents/${agent.id}/update-policy`, { mode: 'disabled' });
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agent.id}/probes`, {
      type: 'PING',
      targets: ['192.0.2.1'],
    });
    await owner.http.patch(`/workspaces/${ws}/agents/${agent.id}/probes/${probe.body.id}`, { interval_sec: 120 });
    await owner.http.delete(`/workspaces/${ws}/agents/${agent.id}/probes/${probe.body.id}`);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'loss',
      metric: 'packet_loss',
      operator: '>',
      threshold: 5,
      notify_webhook: true,
      webhook_url: 'http://127.0.0.1:9/hook',
      webhook_secret: 'webhook-secret-do-not-log',
    });
    expect(rule.status).toBe(201);
    await owner.http.patch(`/workspaces/${ws}/alert-rules/${rule.body.id}`, {
      threshold: 7,
      webhook_secret: 'second-secret-do-not-log',
    });
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
    await addMember(owner, ws, member, 'USER');
    const memberId = await memberIdOf(owner.http, ws, member.id);
    await owner.http.patch(`/workspaces/${ws}/members/${memberId}`, { role: 'ADMIN' });
    await owner.http.delete(`/workspaces/${ws}/agents/${agent.id}`);

    const entries = await auditOf(owner.http, ws);
    expect(entries.map((e) => e.action).reverse()).toEqual([
      'workspace.created',
      'workspace.updated',
      'agent.created',
      'agent.enrolled',
      'agent.pin_issued',
      'agent.updated',
      'agent.update_policy_set',
      'probe.created',
      'probe.updated',
      'probe.deleted',
      'alert_rule.created',
      'alert_rule.updated',
      'alert_rule.deleted',
      'member.invited',
      'member.joined',
      'member.role_changed',
      'agent.deleted',
    ]);
    const updated = entries.find((e) => e.action === 'workspace.updated')!;
    expect(updated).toMatchObject({
      actor_user_id: owner.id,
      request_id: 'audit-req-1',
      source_address: expect.stringMatching(/127\.0\.0\.1$/),
      target_type: 'workspace',
      target_id: String(ws),
      changes: {
        name: { from: expect.stringMatching(/^audit-/), to: 'renamed' },
        settings: { from: {}, to: { theme: 'dark' } },
      },
    });
    expect(entries.find((e) => e.action === 'agent.enrolled')).toMatchObject({
      actor_user_id: null,
      target_id: String(agent.id),
    });
    expect(entries.find((e) => e.action === 'member.joined')!.actor_user_id).toBe(member.id);
    expect(entries.find((e) => e.action === 'member.role_changed')!.changes).toEqual({
      role: { from: 'USER', to: 'ADMIN' },
    });
    expect(entries.find((e) => e.action === 'alert_rule.updated')!.changes).toEqual({
      threshold: { from: 5, to: 7 },
      webhookSecret: { from: '[redacted]', to: '[redacted]' },
    });
    const everything = JSON.stringify(entries);
    for (const secret of [
      pin,
      psk,
      reissued.body.pin,
      'webhook-secret-do-not-log',
      'second-secret-do-not-log',
      owner.token,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('names the API token behind a change, and records tokens created and revoked without their secret', async () => {
    const token = await createToken(owner, ['workspaces:write']);
    expect((await token.http.patch(`/workspaces/${ws}`, { description: 'by token' })).status).toBe(200);
    const [latest] = await auditOf(owner.http, ws, 'limit=1');
    expect(latest).toMatchObject({ action: 'workspace.updated', actor_user_id: owner.id, actor_token_id: token.id });
    expect((await owner.http.delete(`/auth/tokens/${token.id}`)).status).toBe(204);
    const tokens = await admin.http.get('/audit?action=token');
    expect(tokens.body.data.map((e: Entry) => [e.action, e.actor_user_id, e.target_id])).toEqual([
      ['token.revoked', owner.id, String(token.id)],
      ['token.created', owner.id, String(token.id)],
    ]);
    expect(tokens.body.data[1].changes).toMatchObject({ scopes: ['workspaces:write'], prefix: expect.any(String) });
    expect(JSON.stringify(tokens.body)).not.toContain(token.token);
  });

  it('records nothing for a refused request', async () => {
    const before = (await auditOf(owner.http, ws)).length;
    expectError(await owner.http.patch(`/workspaces/${ws}`, { name: '' }), 400);
    expectError(await member.http.delete(`/workspaces/${ws}`), 403);
    expect(await auditOf(owner.http, ws)).toHaveLength(before);
  });

  it('records logins and failed logins in the instance chain, readable by instance administrators only', async () => {
    const ok = await base.post('/auth/login', { email: owner.email, password: 'correct-horse-battery' });
    expect(ok.status).toBe(200);
    expect((await base.post('/auth/login', { email: owner.email, password: 'wrong-password-here' })).status).toBe(401);
    expect((await base.post('/auth/login', { email: 'nobody@example.test', password: 'whatever-it-is' })).status).toBe(
      401,
    );

    const res = await admin.http.get('/audit?action=auth&limit=3');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: expect.any(Number), limit: 3, offset: 0 });
    expect(res.body.data.map((e: Entry) => [e.action, e.actor_user_id, e.changes])).toEqual([
      ['auth.login_failed', null, { email: 'nobody@example.test', reason: 'unknown_email' }],
      ['auth.login_failed', null, { email: owner.email, reason: 'wrong_password' }],
      ['auth.login', owner.id, {}],
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/correct-horse|wrong-password-here/);
    expect((await admin.http.get('/audit/verify')).body).toMatchObject({ ok: true, broken: null });
    expectError(await owner.http.get('/audit'), 403, 'admin_required');
    expectError(await owner.http.get('/audit/verify'), 403, 'admin_required');
  });

  it('filters by actor, action and time, pages in the list envelope, and refuses bad filters', async () => {
    const all = await auditOf(owner.http, ws);
    const byMember = await owner.http.get(`/workspaces/${ws}/audit?actor=${member.id}`);
    expect(byMember.body.data.map((e: Entry) => e.action)).toEqual(['member.joined']);
    const probes = await owner.http.get(`/workspaces/${ws}/audit?action=probe`);
    expect(probes.body.data.map((e: Entry) => e.action)).toEqual(['probe.deleted', 'probe.updated', 'probe.created']);
    const exact = await owner.http.get(`/workspaces/${ws}/audit?action=probe.updated`);
    expect(exact.body.total).toBe(1);
    const page = await owner.http.get(`/workspaces/${ws}/audit?limit=2&offset=1`);
    expect(page.body).toEqual({ data: all.slice(1, 3), total: all.length, limit: 2, offset: 1 });
    const future = await owner.http.get(`/workspaces/${ws}/audit?from=2100-01-01T00:00:00Z`);
    expect(future.body.total).toBe(0);
    const past = await owner.http.get(`/workspaces/${ws}/audit?to=2000-01-01T00:00:00Z`);
    expect(past.body.total).toBe(0);
    for (const bad of [
      'actor=abc',
      'actor=0',
      'action=DROP%20TABLE',
      'from=0000-01-01T00:00:00Z',
      'to=2024-02-30T00:00:00Z',
      'format=xml',
      'offset=1e20',
      'extra=1',
    ]) {
      expectError(await owner.http.get(`/workspaces/${ws}/audit?${bad}`), 400);
    }
  });

  it('exports the filtered log as CSV, with formula-looking text neutralised', async () => {
    await owner.http.patch(`/workspaces/${ws}`, { name: '=HYPERLINK("http://evil")' });
    const res = await owner.http.get(`/workspaces/${ws}/audit?format=csv&action=workspace`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="audit-workspace-${ws}.csv"`);
    const lines = (res.body as string).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,workspace_id,seq,at,actor_user_id,actor_token_id,source_address,request_id,action,target_type,target_id,changes,prev_hash,hash',
    );
    expect(lines).toHaveLength(1 + 4);
    expect(lines[1]).toContain('"workspace.updated"');
    // The changes cell is JSON starting with "{", so it is quoted but not prefixed; a name cell
    // would be. The formula text survives only inside the quoted JSON.
    expect(lines[1]).toContain('""to"":""=HYPERLINK(\\""http://evil\\"")""');
  });

  it('keeps a member below ADMIN out (403)', async () => {
    const viewer = await registerUser(base, 'viewer');
    await addMember(owner, ws, viewer, 'USER');
    expectError(await viewer.http.get(`/workspaces/${ws}/audit`), 403);
    expectError(await viewer.http.get(`/workspaces/${ws}/audit/verify`), 403);
  });
});

describe('audit retention', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;

  beforeAll(async () => {
    t = await startTestApp('postgres', { AUDIT_RETENTION_DAYS: '30' });
    owner = await registerUser(new Http(t.url), 'retention');
    ws = (await createWorkspace(owner, 'old')).id;
    for (let i = 0; i < 5; i++) await owner.http.patch(`/workspaces/${ws}`, { description: `d${i}` });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prunes entries older than AUDIT_RETENTION_DAYS; the kept chain still verifies from its oldest entry', async () => {
    // Entries 1-3 "happened" 40 days ago. Their hashes no longer match, but they are about to go.
    await db(t).query(`UPDATE audit_entries SET at = at - interval '40 days' WHERE workspace_id = $1 AND seq <= 3`, [
      ws,
    ]);
    expect(await t.app.get(AuditRetention).prune()).toBeGreaterThanOrEqual(3);
    const kept = (await auditOf(owner.http, ws)).map((e) => e.seq);
    expect(kept).toEqual([6, 5, 4]);
    expect((await owner.http.get(`/workspaces/${ws}/audit/verify`)).body).toEqual({
      ok: true,
      checked: 3,
      first_seq: 4,
      last_seq: 6,
      broken: null,
    });
  });

  it('never prunes a chain head, so the next entry still links to it', async () => {
    await db(t).query(`UPDATE audit_entries SET at = at - interval '400 days' WHERE workspace_id = $1`, [ws]);
    await t.app.get(AuditRetention).prune();
    expect((await auditOf(owner.http, ws)).map((e) => e.seq)).toEqual([6]);
    expect((await owner.http.patch(`/workspaces/${ws}`, { description: 'after' })).status).toBe(200);
    const rows: Array<{ seq: string; hash: string; prev_hash: string }> = await db(t).query(
      'SELECT seq, hash, prev_hash FROM audit_entries WHERE workspace_id = $1 ORDER BY seq',
      [ws],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual([6, 7]);
    expect(rows[1].prev_hash).toBe(rows[0].hash);
  });
});
