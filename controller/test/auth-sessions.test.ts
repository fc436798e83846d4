import { DataSource } from 'typeorm';
import { createWorkspace, TestUser } from './support/factories';
import { Http } from './support/http';
import { connectOutcome, panelSocket } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

const PASSWORD = 'correct-horse-battery';

async function register(http: Http, email: string, password = PASSWORD) {
  return http.post('/auth/register', { email, password, name: email.split('@')[0] });
}

async function login(http: Http, email: string, password = PASSWORD) {
  return http.post('/auth/login', { email, password });
}

function asUser(http: Http, res: { body: { token: string; data: { id: number; email: string } } }): TestUser {
  return { id: res.body.data.id, email: res.body.data.email, token: res.body.token, http: http.as(res.body.token) };
}

async function userCount(t: TestApp): Promise<number> {
  const [row] = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM users');
  return row.n;
}

describe('registration, lockout and sessions (REGISTRATION=invite)', () => {
  let t: TestApp;
  let http: Http;
  let admin: TestUser;
  let invitee: TestUser;

  beforeAll(async () => {
    t = await startTestApp('postgres', {
      REGISTRATION: 'invite',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_SOURCE_MAX_FAILURES: '8',
      LOGIN_LOCK_SECONDS: '600',
    });
    http = new Http(t.url);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lets the first account of the instance register and makes it the instance administrator', async () => {
    const res = await register(http, 'first@example.test');
    expect(res.status).toBe(201);
    expect(res.body.data.role).toBe('ADMIN');
    admin = asUser(http, res);
  });

  it('refuses an e-mail without a pending invitation, and creates nothing', async () => {
    const before = await userCount(t);
    expectError(await register(http, 'stranger@example.test'), 403, 'registration_closed', /invitation/);
    expect(await userCount(t)).toBe(before);
  });

  it('lets an invited e-mail register (as a plain USER)', async () => {
    const ws = await createWorkspace(admin);
    expect(
      (await admin.http.post(`/workspaces/${ws.id}/members`, { email: 'invited@example.test', role: 'USER' })).status,
    ).toBe(201);
    const res = await register(http, 'invited@example.test');
    expect(res.status).toBe(201);
    expect(res.body.data.role).toBe('USER');
    invitee = asUser(http, res);
  });

  it('locks an account after LOGIN_MAX_FAILURES wrong passwords, even for the right one, until an admin unlocks it', async () => {
    for (let i = 0; i < 3; i++)
      expectError(await login(http, invitee.email, 'wrong-password'), 401, 'invalid_credentials');
    const locked = await login(http, invitee.email);
    expectError(locked, 429, 'login_locked');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);

    // Only an instance administrator may unlock; bad input is a 400, an unknown account a 404.
    expectError(await invitee.http.post('/auth/unlock', { email: invitee.email }), 403, 'admin_required');
    expectError(await admin.http.post('/auth/unlock', {}), 400);
    expectError(await admin.http.post('/auth/unlock', { email: 'nobody@example.test' }), 404);
    expect((await admin.http.post('/auth/unlock', { email: invitee.email })).status).toBe(204);
    expect((await login(http, invitee.email)).status).toBe(200);
  });

  it('changes the password and ends every earlier session, the panel socket included', async () => {
    const first = (await login(http, invitee.email)).body.token as string;
    const second = (await login(http, invitee.email)).body.token as string;
    expectError(
      await http.as(first).post('/auth/password', { current_password: 'not-it', new_password: 'a-new-long-password' }),
      403,
      'wrong_password',
    );
    expectError(
      await http.as(first).post('/auth/password', { current_password: PASSWORD, new_password: 'short' }),
      400,
    );
    const changed = await http
      .as(first)
      .post('/auth/password', { current_password: PASSWORD, new_password: 'a-new-long-password' });
    expect(changed.status).toBe(200);
    expect((await http.as(first).get('/workspaces')).status).toBe(401);
    expect((await http.as(second).get('/workspaces')).status).toBe(401);
    expect((await http.as(changed.body.token).get('/workspaces')).status).toBe(200);
    const socket = panelSocket(t.url, second);
    expect(await connectOutcome(socket)).toMatchObject({ code: 'unauthorized' });
    socket.close();
    expectError(await login(http, invitee.email), 401, 'invalid_credentials');
    expect((await login(http, invitee.email, 'a-new-long-password')).status).toBe(200);
  });

  it('logs out one session only, over HTTP and on the panel socket', async () => {
    const leaving = (await login(http, admin.email)).body.token as string;
    const staying = (await login(http, admin.email)).body.token as string;
    expect((await http.as(leaving).post('/auth/logout')).status).toBe(204);
    expect((await http.as(leaving).get('/workspaces')).status).toBe(401);
    expect((await http.as(leaving).post('/auth/logout')).status).toBe(401);
    expect((await http.as(staying).get('/workspaces')).status).toBe(200);
    const revoked = panelSocket(t.url, leaving);
    const live = panelSocket(t.url, staying);
    expect(await connectOutcome(revoked)).toMatchObject({ code: 'unauthorized' });
    expect(await connectOutcome(live)).toBe('connected');
    revoked.close();
    live.close();
  });

  it('locks a source that keeps failing across accounts, whatever account it tries next', async () => {
    // Failures so far from this source: 4 (three for the account lockout above, one old password
    // after the change). Four more reach LOGIN_SOURCE_MAX_FAILURES (8).
    for (let i = 0; i < 4; i++)
      expectError(await login(http, `ghost-${i}@example.test`, 'guess'), 401, 'invalid_credentials');
    const res = await login(http, admin.email);
    expectError(res, 429, 'login_locked');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('registration with REGISTRATION=closed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres', { REGISTRATION: 'closed' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('admits only the first account, even with a pending invitation', async () => {
    const http = new Http(t.url);
    const first = await register(http, 'root@example.test');
    expect(first.status).toBe(201);
    const admin = asUser(http, first);
    const ws = await createWorkspace(admin);
    await admin.http.post(`/workspaces/${ws.id}/members`, { email: 'invited@example.test', role: 'USER' });
    expectError(await register(http, 'invited@example.test'), 403, 'registration_closed', /closed/);
    expect(await userCount(t)).toBe(1);
  });
});
