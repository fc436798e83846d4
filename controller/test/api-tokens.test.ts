import { waitUntil } from '@netwatcher/shared/testing';
import { DataSource } from 'typeorm';
import { createAgent } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { connectOutcome, nextEvent, panelSocket } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { createToken } from './support/tokens';
import { addMember, expectError } from './support/workspace-members';

describe('API tokens', () => {
  let t: TestApp;
  let http: Http;
  let admin: TestUser;
  let user: TestUser;
  let wsA: number;
  let wsB: number;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    http = new Http(t.url);
    admin = await registerUser(http, 'admin'); // the first account: instance administrator
    user = await registerUser(http, 'user');
    wsA = (await createWorkspace(user, 'a')).id;
    wsB = (await createWorkspace(admin, 'b')).id;
    await addMember(admin, wsB, user, 'VIEWER');
  });

  afterAll(async () => {
    await t?.close();
  });

  const tokenRows = (): Promise<Array<Record<string, unknown>>> => t.app.get(DataSource).query('SELECT * FROM api_tokens ORDER BY id');

  it('shows the secret once, with its nwt_ prefix, and keeps only its SHA-256', async () => {
    const res = await user.http.post('/auth/tokens', { name: ' ci ', scopes: ['probes:read'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(Number),
      name: 'ci',
      prefix: res.body.token.slice(0, 10),
      scopes: ['probes:read'],
      workspace_ids: null,
      expires_at: null,
      last_used_at: null,
      created_at: expect.any(String),
      token: expect.stringMatching(/^nwt_[A-Za-z0-9_-]{43}$/),
    });
    const listed = await user.http.get('/auth/tokens');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(listed.body.data[0]).not.toHaveProperty('token');
    expect(JSON.stringify(listed.body)).not.toContain(res.body.token);
    const stored = JSON.stringify(await tokenRows());
    expect(stored).not.toContain(res.body.token.slice(4));
    expect(stored).toContain((await import('node:crypto')).createHash('sha256').update(res.body.token).digest('hex'));
    // Another user sees none of them and cannot delete them.
    expect((await admin.http.get('/auth/tokens')).body.total).toBe(0);
    expectError(await admin.http.delete(`/auth/tokens/${res.body.id}`), 404);
  });

  it('refuses bad input with a 400 and creates nothing', async () => {
    const before = (await tokenRows()).length;
    const bad: unknown[] = [
      {},
      { name: 'x' },
      { name: '', scopes: ['probes:read'] },
      { name: 'x'.repeat(101), scopes: ['probes:read'] },
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['probes:execute'] },
      { name: 'x', scopes: ['probes:read', 'probes:read'] },
      { name: 'x', scopes: 'probes:read' },
      { name: 'x', scopes: ['probes:read'], workspace_ids: [] },
      { name: 'x', scopes: ['probes:read'], workspace_ids: ['1'] },
      { name: 'x', scopes: ['probes:read'], workspace_ids: [0] },
      { name: 'x', scopes: ['probes:read'], workspace_ids: [2 ** 31] },
      { name: 'x', scopes: ['probes:read'], expires_at: 'tomorrow' },
      { name: 'x', scopes: ['probes:read'], expires_at: '2020-01-01T00:00:00Z' },
      { name: 'x', scopes: ['probes:read'], expires_at: '+275760-09-13T00:00:00Z' },
      { name: 'x', scopes: ['probes:read'], owner: 1 },
    ];
    for (const body of bad) {
      const res = await user.http.post('/auth/tokens', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expectError(res, 400);
    }
    expect((await tokenRows()).length).toBe(before);
  });

  it('lets only an instance administrator hand out the admin scope, and only for their own workspaces', async () => {
    expectError(await user.http.post('/auth/tokens', { name: 'x', scopes: ['admin'] }), 403, 'admin_required');
    expect((await admin.http.post('/auth/tokens', { name: 'x', scopes: ['admin'] })).status).toBe(201);
    // A workspace the user is not in answers as a missing one.
    const foreign = (await createWorkspace(admin, 'foreign')).id;
    expectError(await user.http.post('/auth/tokens', { name: 'x', scopes: ['probes:read'], workspace_ids: [wsA, foreign] }), 404);
  });

  it('authenticates with the token: its scopes decide, 403 scope_missing otherwise', async () => {
    const reader = await createToken(user, ['workspaces:read', 'agents:read']);
    expect((await reader.http.get(`/workspaces/${wsA}`)).status).toBe(200);
    expect((await reader.http.get(`/workspaces/${wsA}/agents`)).status).toBe(200);
    expectError(await reader.http.post(`/workspaces/${wsA}/agents`, { name: 'x' }), 403, 'scope_missing', /agents:write/);
    expectError(await reader.http.get(`/workspaces/${wsA}/probe-data/find`), 403, 'scope_missing');
    expectError(await reader.http.get('/workspaces/alerts'), 403, 'scope_missing');
    // Writing an area implies reading it.
    const writer = await createToken(user, ['agents:write']);
    expect((await writer.http.get(`/workspaces/${wsA}/agents`)).status).toBe(200);
    expect((await writer.http.post(`/workspaces/${wsA}/agents`, { name: 'by token' })).status).toBe(201);
  });

  it('never does more than its user may: the workspace role still decides', async () => {
    const everything = await createToken(user, ['workspaces:write', 'agents:write']);
    // The user is a VIEWER of B: reading works, changing is 403 as for the user's session.
    expect((await everything.http.get(`/workspaces/${wsB}/agents`)).status).toBe(200);
    expectError(await everything.http.post(`/workspaces/${wsB}/agents`, { name: 'x' }), 403, 'role_too_low');
    expectError(await everything.http.patch(`/workspaces/${wsB}`, { name: 'x' }), 403, 'role_too_low');
    expectError(await everything.http.post('/auth/unlock', { email: admin.email }), 403, 'scope_missing');
  });

  it('keeps a restricted token inside its workspaces: others answer 404, lists leave them out', async () => {
    const onlyA = await createToken(user, ['workspaces:write', 'agents:read', 'alerts:read'], { workspace_ids: [wsA] });
    expect((await onlyA.http.get(`/workspaces/${wsA}`)).status).toBe(200);
    expectError(await onlyA.http.get(`/workspaces/${wsB}`), 404);
    expectError(await onlyA.http.get(`/workspaces/${wsB}/agents`), 404);
    const listed = await onlyA.http.get('/workspaces');
    expect(listed.body.data.map((w: { id: number }) => w.id)).toEqual([wsA]);
    expect((await user.http.get('/workspaces')).body.data.map((w: { id: number }) => w.id).sort()).toEqual([wsA, wsB].sort());
    expectError(await onlyA.http.post('/workspaces', { name: 'new' }), 403, 'token_restricted');
    expect((await onlyA.http.get('/workspaces/alerts/count')).status).toBe(200);
  });

  it('may not manage tokens, change the password or log out: those need a session', async () => {
    const full = await createToken(user, ['workspaces:write', 'agents:write', 'probes:write', 'probe-data:write', 'alerts:write', 'lookups:write']);
    expectError(await full.http.post('/auth/tokens', { name: 'child', scopes: ['probes:read'] }), 403, 'session_required');
    expectError(await full.http.get('/auth/tokens'), 403, 'session_required');
    expectError(await full.http.delete(`/auth/tokens/${full.id}`), 403, 'session_required');
    expectError(
      await full.http.post('/auth/password', { current_password: 'correct-horse-battery', new_password: 'another-long-one' }),
      403,
      'session_required',
    );
    expectError(await full.http.post('/auth/logout'), 403, 'session_required');
  });

  it('stops working when deleted, when expired, or for an unknown or malformed secret', async () => {
    const doomed = await createToken(user, ['workspaces:read']);
    expect((await doomed.http.get('/workspaces')).status).toBe(200);
    expect((await user.http.delete(`/auth/tokens/${doomed.id}`)).status).toBe(204);
    expectError(await doomed.http.get('/workspaces'), 401);
    expectError(await user.http.delete(`/auth/tokens/${doomed.id}`), 404);

    const soon = await createToken(user, ['workspaces:read'], { expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await soon.http.get('/workspaces')).status).toBe(200);
    await t.app.get(DataSource).query(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [soon.id]);
    expectError(await soon.http.get('/workspaces'), 401);

    expectError(await http.as(`nwt_${'A'.repeat(43)}`).get('/workspaces'), 401);
    expectError(await http.as('nwt_').get('/workspaces'), 401);
    expectError(await http.get('/workspaces', { authorization: `Bearer ${soon.token} extra` }), 401);
  });

  it('records last_used_at', async () => {
    const used = await createToken(user, ['workspaces:read'], { name: 'used' });
    expect((await used.http.get('/workspaces')).status).toBe(200);
    const lastUsed = async (): Promise<string | null> =>
      (await user.http.get('/auth/tokens?limit=200')).body.data.find((tk: { id: number }) => tk.id === used.id).last_used_at;
    const at = await waitUntil('last_used_at recorded', lastUsed);
    expect(Date.parse(at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('opens the panel socket; subscribing needs probe-data:read and a workspace the token reaches', async () => {
    await createAgent(user, wsA);
    const reader = await createToken(user, ['probe-data:read'], { workspace_ids: [wsA] });
    const socket = panelSocket(t.url, reader.token);
    expect(await connectOutcome(socket)).toBe('connected');
    const subscribed = nextEvent(socket, 'subscribed');
    socket.emit('subscribe', { workspace_id: wsA, probe_id: 0 });
    expect(await subscribed).toEqual({ workspace_id: wsA, probe_id: 0 });
    const outside = nextEvent<{ code: string }>(socket, 'error_message');
    socket.emit('subscribe', { workspace_id: wsB, probe_id: 0 });
    expect((await outside).code).toBe('not_found');
    socket.close();

    const noScope = await createToken(user, ['agents:read']);
    const other = panelSocket(t.url, noScope.token);
    expect(await connectOutcome(other)).toBe('connected');
    const refused = nextEvent<{ code: string }>(other, 'error_message');
    other.emit('subscribe', { workspace_id: wsA, probe_id: 0 });
    expect((await refused).code).toBe('scope_missing');
    other.close();

    const unknown = panelSocket(t.url, `nwt_${'B'.repeat(43)}`);
    expect(await connectOutcome(unknown)).toMatchObject({ code: 'unauthorized' });
    unknown.close();
  });
});
