import { Http } from './support/http';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { addMember, expectError, ISO_MS, listMembers } from './support/workspace-members';

describeOnEachDatabase('workspaces API', (mode) => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A workspace with an OWNER, an ADMIN and a USER, all accepted. */
  async function team(): Promise<{ id: number; owner: TestUser; admin: TestUser; user: TestUser }> {
    const [owner, admin, user] = [
      await registerUser(http, 'owner'),
      await registerUser(http, 'admin'),
      await registerUser(http, 'user'),
    ];
    const { id } = await createWorkspace(owner);
    await addMember(owner, id, admin, 'ADMIN');
    await addMember(owner, id, user, 'USER');
    return { id, owner, admin, user };
  }

  describe('POST /workspaces', () => {
    it('creates the workspace and makes the creator its accepted OWNER', async () => {
      const owner = await registerUser(http, 'creator');
      const res = await owner.http.post('/workspaces', {
        name: '  Branch offices  ',
        description: 'all branch routers',
        settings: { retention_days: 30, tags: ['a'] },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        name: 'Branch offices',
        ownerId: owner.id,
        description: 'all branch routers',
        settings: { retention_days: 30, tags: ['a'] },
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
        my_role: 'OWNER',
      });
      const members = await listMembers(owner.http, res.body.id);
      expect(members).toEqual([
        expect.objectContaining({
          userId: owner.id,
          email: owner.email,
          role: 'OWNER',
          status: 'active',
          acceptedAt: expect.stringMatching(ISO_MS),
        }),
      ]);
    });

    it('defaults description to "" and settings to {}', async () => {
      const owner = await registerUser(http);
      const res = await owner.http.post('/workspaces', { name: 'plain' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'plain', description: '', settings: {} });
    });

    it('rejects invalid bodies with 400 and creates nothing', async () => {
      const owner = await registerUser(http);
      const bad: Array<[unknown, RegExp]> = [
        [{}, /name/],
        [{ name: '   ' }, /name must be 1 to 100 characters/],
        [{ name: 'x'.repeat(101) }, /name must be 1 to 100 characters/],
        [{ name: 42 }, /name must be a string/],
        [{ name: null }, /name/],
        [{ name: 'ok', description: 'd'.repeat(1001) }, /description must be at most 1000/],
        [{ name: 'ok', settings: [1, 2] }, /settings must be a JSON object/],
        [{ name: 'ok', settings: 'x' }, /settings must be a JSON object/],
        [{ name: 'ok', settings: { blob: 'x'.repeat(16 * 1024) } }, /settings must be a JSON object of at most 16 KB/],
        [{ name: 'ok', ownerId: 1 }, /ownerId: unknown field/],
      ];
      for (const [body, message] of bad) {
        const res = await owner.http.post('/workspaces', body);
        expectError(res, 400, 'validation_failed', message);
      }
      expect((await owner.http.get('/workspaces')).body.total).toBe(0);
    });

    it('accepts a name of exactly 100 characters and settings just under 16 KB', async () => {
      const owner = await registerUser(http);
      const settings = { blob: 'x'.repeat(16 * 1024 - 20) };
      const res = await owner.http.post('/workspaces', { name: 'n'.repeat(100), settings });
      expect(res.status).toBe(201);
      expect(res.body.settings).toEqual(settings);
    });
  });

  describe('GET /workspaces', () => {
    it('lists only workspaces the caller accepted membership of, with the caller role', async () => {
      const { id, owner, user } = await team();
      const own = await createWorkspace(user, 'users-own');
      const other = await registerUser(http, 'other');
      const pendingWs = await createWorkspace(other, 'pending-for-user');
      const invite = await other.http.post(`/workspaces/${pendingWs.id}/members`, { userId: user.id, role: 'ADMIN' });
      expect(invite.status).toBe(201);

      const res = await user.http.get('/workspaces');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          expect.objectContaining({ id, ownerId: owner.id, my_role: 'USER' }),
          expect.objectContaining({ id: own.id, ownerId: user.id, my_role: 'OWNER' }),
        ],
        total: 2,
        limit: 50,
        offset: 0,
      });
      expect(Object.keys(res.body.data[0]).sort()).toEqual(
        ['id', 'name', 'ownerId', 'description', 'settings', 'createdAt', 'updatedAt', 'my_role'].sort(),
      );
    });

    it('pages in id order with limit and offset', async () => {
      const owner = await registerUser(http);
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push((await createWorkspace(owner, `page${i}`)).id);
      const seen: number[] = [];
      for (const offset of [0, 2, 4]) {
        const res = await owner.http.get(`/workspaces?limit=2&offset=${offset}`);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ total: 5, limit: 2, offset });
        seen.push(...res.body.data.map((w: { id: number }) => w.id));
      }
      expect(seen).toEqual(ids);
      const beyond = await owner.http.get('/workspaces?offset=10');
      expect(beyond.body).toEqual({ data: [], total: 5, limit: 50, offset: 10 });
    });

    it('rejects bad paging and unknown query parameters with 400', async () => {
      const owner = await registerUser(http);
      for (const query of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'offset=1.5', 'sort=name']) {
        expectError(await owner.http.get(`/workspaces?${query}`), 400, 'validation_failed');
      }
      expect((await owner.http.get('/workspaces?limit=200')).status).toBe(200);
    });

    it('searches name and description case-insensitively with q', async () => {
      const owner = await registerUser(http);
      const byName = await owner.http.post('/workspaces', { name: 'Frankfurt DC' });
      const byDescription = await owner.http.post('/workspaces', {
        name: 'eu-2',
        description: 'Second FRANKFURT site',
      });
      await owner.http.post('/workspaces', { name: 'Paris' });
      const res = await owner.http.get('/workspaces?q=frankfurt');
      expect(res.body.total).toBe(2);
      expect(res.body.data.map((w: { id: number }) => w.id)).toEqual([byName.body.id, byDescription.body.id]);
      expect((await owner.http.get('/workspaces?q=nowhere')).body).toEqual({
        data: [],
        total: 0,
        limit: 50,
        offset: 0,
      });
    });

    it('treats % and _ in q as literal characters', async () => {
      const owner = await registerUser(http);
      const percent = (await owner.http.post('/workspaces', { name: '100% uptime' })).body.id;
      await owner.http.post('/workspaces', { name: '1000 uptime' });
      const underscore = (await owner.http.post('/workspaces', { name: 'eu_west' })).body.id;
      await owner.http.post('/workspaces', { name: 'eu-west' });
      const backslash = (await owner.http.post('/workspaces', { name: 'c:\\probes' })).body.id;
      const names = async (q: string): Promise<number[]> =>
        (await owner.http.get(`/workspaces?q=${encodeURIComponent(q)}`)).body.data.map((w: { id: number }) => w.id);
      expect(await names('%')).toEqual([percent]);
      expect(await names('0%')).toEqual([percent]);
      expect(await names('_')).toEqual([underscore]);
      expect(await names('u_w')).toEqual([underscore]);
      expect(await names('\\')).toEqual([backslash]);
    });
  });

  describe('GET /workspaces/{id}', () => {
    it('returns the workspace with the caller role to every member', async () => {
      const { id, owner, admin, user } = await team();
      for (const [member, role] of [
        [owner, 'OWNER'],
        [admin, 'ADMIN'],
        [user, 'USER'],
      ] as const) {
        const res = await member.http.get(`/workspaces/${id}`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual(expect.objectContaining({ id, ownerId: owner.id, my_role: role }));
      }
    });

    it('answers a missing workspace and a non-member alike (404), and a malformed id with 400', async () => {
      const { id } = await team();
      const outsider = await registerUser(http, 'outsider');
      const notMember = await outsider.http.get(`/workspaces/${id}`);
      const missing = await outsider.http.get('/workspaces/999999');
      expectError(notMember, 404, 'not_found', /^workspace not found$/);
      expect(missing.body.error).toBe(notMember.body.error);
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
        expectError(await outsider.http.get(`/workspaces/${bad}`), 400, 'invalid_id');
      }
    });
  });

  describe('PATCH /workspaces/{id}', () => {
    it('lets an ADMIN change name, description and settings', async () => {
      const { id, admin } = await team();
      const before = (await admin.http.get(`/workspaces/${id}`)).body;
      const res = await admin.http.patch(`/workspaces/${id}`, {
        name: ' renamed ',
        description: 'new',
        settings: { k: 'v' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ...before,
        name: 'renamed',
        description: 'new',
        settings: { k: 'v' },
        updatedAt: expect.stringMatching(ISO_MS),
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt));
      expect((await admin.http.get(`/workspaces/${id}`)).body).toEqual(res.body);

      const partial = await admin.http.patch(`/workspaces/${id}`, { description: '' });
      expect(partial.body).toMatchObject({ name: 'renamed', description: '', settings: { k: 'v' } });
    });

    it('refuses a USER with 403 and changes nothing', async () => {
      const { id, owner, user } = await team();
      const before = (await owner.http.get(`/workspaces/${id}`)).body;
      expectError(await user.http.patch(`/workspaces/${id}`, { name: 'hijacked' }), 403, 'role_too_low', /ADMIN/);
      expect((await owner.http.get(`/workspaces/${id}`)).body).toEqual(before);
    });

    it('rejects an empty or invalid body with 400 and changes nothing', async () => {
      const { id, owner } = await team();
      const before = (await owner.http.get(`/workspaces/${id}`)).body;
      expectError(await owner.http.patch(`/workspaces/${id}`, {}), 400, 'empty_update', /nothing to update/);
      for (const body of [
        { name: '' },
        { name: null },
        { description: null },
        { settings: null },
        { settings: [] },
        { name: 'x'.repeat(101) },
        { ownerId: 5 },
      ]) {
        expectError(await owner.http.patch(`/workspaces/${id}`, body), 400, 'validation_failed');
      }
      expect((await owner.http.get(`/workspaces/${id}`)).body).toEqual(before);
    });
  });

  describe('DELETE /workspaces/{id}', () => {
    it('is refused to USER and ADMIN with 403', async () => {
      const { id, owner, admin, user } = await team();
      expectError(await user.http.delete(`/workspaces/${id}`), 403, 'role_too_low', /OWNER/);
      expectError(await admin.http.delete(`/workspaces/${id}`), 403, 'role_too_low', /OWNER/);
      expect((await owner.http.get(`/workspaces/${id}`)).status).toBe(200);
    });

    it('soft-deletes for the OWNER and hides the workspace from every endpoint', async () => {
      const { id, owner, admin, user } = await team();
      const invitee = await registerUser(http, 'invitee');
      expect((await owner.http.post(`/workspaces/${id}/members`, { userId: invitee.id, role: 'USER' })).status).toBe(
        201,
      );
      const userMemberId = (await listMembers(owner.http, id)).find((m) => m.userId === user.id).id;

      const res = await owner.http.delete(`/workspaces/${id}`);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();

      for (const member of [owner, admin, user]) {
        expect((await member.http.get('/workspaces')).body.data.map((w: { id: number }) => w.id)).not.toContain(id);
        expectError(await member.http.get(`/workspaces/${id}`), 404, 'not_found');
        expectError(await member.http.get(`/workspaces/${id}/members`), 404, 'not_found');
      }
      const afterDelete = [
        owner.http.patch(`/workspaces/${id}`, { name: 'x' }),
        owner.http.delete(`/workspaces/${id}`),
        owner.http.post(`/workspaces/${id}/members`, { email: 'late@example.test', role: 'USER' }),
        owner.http.patch(`/workspaces/${id}/members/${userMemberId}`, { role: 'ADMIN' }),
        owner.http.delete(`/workspaces/${id}/members/${userMemberId}`),
        owner.http.post(`/workspaces/${id}/transfer-ownership`, { newOwnerUserId: admin.id }),
        invitee.http.post(`/workspaces/${id}/accept-invite`, { email: invitee.email }),
      ];
      for (const res of await Promise.all(afterDelete)) expectError(res, 404, 'not_found');
      // Nothing was recorded against the deleted workspace: the invitee still has no access.
      expect((await invitee.http.get('/workspaces')).body.total).toBe(0);
    });
  });

  it('keeps workspaces apart: a member of A gets 404 on every endpoint of B, and B is unchanged', async () => {
    const a = await team();
    const b = await team();
    const outsider = a.admin; // an ADMIN of A, a stranger to B
    const snapshot = async () => ({
      workspace: (await b.owner.http.get(`/workspaces/${b.id}`)).body,
      members: await listMembers(b.owner.http, b.id),
    });
    const before = await snapshot();
    const bUserMember = before.members.find((m) => m.userId === b.user.id).id;
    const ws = `/workspaces/${b.id}`;
    const attempts = [
      outsider.http.get(ws),
      outsider.http.patch(ws, { name: 'taken over' }),
      outsider.http.delete(ws),
      outsider.http.get(`${ws}/members`),
      outsider.http.post(`${ws}/members`, { userId: outsider.id, role: 'OWNER' }),
      outsider.http.patch(`${ws}/members/${bUserMember}`, { role: 'ADMIN' }),
      outsider.http.delete(`${ws}/members/${bUserMember}`),
      outsider.http.post(`${ws}/accept-invite`, { email: outsider.email }),
      outsider.http.post(`${ws}/transfer-ownership`, { newOwnerUserId: outsider.id }),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 404, 'not_found');
    expect(await snapshot()).toEqual(before);
    expect((await outsider.http.get('/workspaces')).body.data.map((w: { id: number }) => w.id)).toEqual([a.id]);
  });

  it('requires a token on every workspace endpoint (401)', async () => {
    const { id } = await team();
    const anonymous = http;
    const results = await Promise.all([
      anonymous.get('/workspaces'),
      anonymous.post('/workspaces', { name: 'anon' }),
      anonymous.get(`/workspaces/${id}`),
      anonymous.patch(`/workspaces/${id}`, { name: 'anon' }),
      anonymous.delete(`/workspaces/${id}`),
      http.as('not-a-jwt').get('/workspaces'),
    ]);
    for (const res of results) expectError(res, 401, 'unauthorized');
  });
});
