import type { DomainEvents } from '../src/events/domain-events';
import { DomainEventBus } from '../src/events/event-bus';
import { Http } from './support/http';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { addMember, expectError, ISO_MS, listMembers, memberIdOf } from './support/workspace-members';

describeOnEachDatabase('workspace members API', (mode) => {
  let t: TestApp;
  let http: Http;

  beforeAll(async () => {
    t = await startTestApp(mode);
    http = new Http(t.url);
  });
  afterAll(async () => {
    await t?.close();
  });

  interface Team {
    id: number;
    owner: TestUser;
    admin: TestUser;
    user: TestUser;
    ids: { owner: number; admin: number; user: number };
  }

  /** A workspace with an OWNER, an ADMIN and a USER, all accepted, and their member ids. */
  async function team(): Promise<Team> {
    const [owner, admin, user] = [
      await registerUser(http, 'owner'),
      await registerUser(http, 'admin'),
      await registerUser(http, 'user'),
    ];
    const { id } = await createWorkspace(owner);
    const ids = {
      owner: await memberIdOf(owner.http, id, owner.id),
      admin: await addMember(owner, id, admin, 'ADMIN'),
      user: await addMember(owner, id, user, 'USER'),
    };
    return { id, owner, admin, user, ids };
  }

  const path = (ws: number, rest = ''): string => `/workspaces/${ws}${rest}`;
  const roles = async (viewer: Http, ws: number): Promise<Record<number, string>> =>
    Object.fromEntries((await listMembers(viewer, ws)).map((m) => [m.userId ?? m.email, m.role]));

  describe('GET /workspaces/{id}/members', () => {
    it('lists members in the documented shape to any member, pending invites included', async () => {
      const { id, owner, admin, user, ids } = await team();
      const invite = await owner.http.post(path(id, '/members'), { email: 'Someone.New@Example.TEST', role: 'USER' });
      expect(invite.status).toBe(201);

      const res = await user.http.get(path(id, '/members'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: expect.any(Array), total: 4, limit: 50, offset: 0 });
      const [first, second, third, fourth] = res.body.data;
      expect(first).toEqual({
        id: ids.owner,
        workspaceId: id,
        userId: owner.id,
        email: owner.email,
        name: 'owner',
        role: 'OWNER',
        meta: {},
        status: 'active',
        invitedBy: null,
        acceptedAt: expect.stringMatching(ISO_MS),
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      });
      expect(second).toMatchObject({
        id: ids.admin,
        userId: admin.id,
        role: 'ADMIN',
        status: 'active',
        invitedBy: owner.id,
      });
      expect(third).toMatchObject({ id: ids.user, userId: user.id, role: 'USER', status: 'active' });
      expect(fourth).toEqual({
        id: invite.body.id,
        workspaceId: id,
        userId: null,
        email: 'someone.new@example.test',
        name: '',
        role: 'USER',
        meta: {},
        status: 'pending',
        invitedBy: owner.id,
        acceptedAt: null,
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      });
    });

    it('pages with limit and offset and validates them', async () => {
      const { id, user, ids } = await team();
      const page = await user.http.get(path(id, '/members?limit=2&offset=1'));
      expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
      expect(page.body.data.map((m: { id: number }) => m.id)).toEqual([ids.admin, ids.user]);
      for (const query of ['limit=0', 'limit=201', 'offset=-1', 'q=x']) {
        expectError(await user.http.get(path(id, `/members?${query}`)), 400, 'validation_failed');
      }
    });
  });

  describe('POST /workspaces/{id}/members (invite)', () => {
    it('invites a registered user by id as a pending member with no access until accepted', async () => {
      const { id, admin } = await team();
      const invitee = await registerUser(http, 'invitee');
      const res = await admin.http.post(path(id, '/members'), {
        userId: invitee.id,
        role: 'USER',
        meta: { team: 'noc' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        workspaceId: id,
        userId: invitee.id,
        email: invitee.email,
        name: 'invitee',
        role: 'USER',
        meta: { team: 'noc' },
        status: 'pending',
        invitedBy: admin.id,
        acceptedAt: null,
        createdAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      });

      // Pending: the workspace does not exist as far as the invitee is concerned.
      expect((await invitee.http.get('/workspaces')).body.total).toBe(0);
      expectError(await invitee.http.get(path(id)), 404, 'not_found');
      expectError(await invitee.http.get(path(id, '/members')), 404, 'not_found');
      expectError(await invitee.http.delete(path(id, `/members/${res.body.id}`)), 404, 'not_found');

      const accepted = await invitee.http.post(path(id, '/accept-invite'), { email: invitee.email });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({
        ...res.body,
        status: 'active',
        acceptedAt: expect.stringMatching(ISO_MS),
        updatedAt: expect.stringMatching(ISO_MS),
      });
      expect((await invitee.http.get(path(id))).body.my_role).toBe('USER');
      expect((await invitee.http.get('/workspaces')).body.data.map((w: { id: number }) => w.id)).toEqual([id]);
    });

    it('invites an unregistered e-mail, which the person accepts after registering', async () => {
      const { id, owner } = await team();
      const email = `Later.${Date.now()}@Example.TEST`;
      const res = await owner.http.post(path(id, '/members'), { email, role: 'ADMIN' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        userId: null,
        email: email.toLowerCase(),
        name: '',
        status: 'pending',
        role: 'ADMIN',
      });

      const registered = await http.post('/auth/register', { email, password: 'correct-horse-battery', name: 'Later' });
      expect(registered.status).toBe(201);
      const later = http.as(registered.body.token);
      const accepted = await later.post(path(id, '/accept-invite'), { email: email.toUpperCase() });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toMatchObject({
        id: res.body.id,
        userId: registered.body.data.id,
        name: 'Later',
        status: 'active',
      });
      expect((await later.get(path(id))).body.my_role).toBe('ADMIN');
    });

    it('links an e-mail invite to the account that already has that address', async () => {
      const { id, owner } = await team();
      const invitee = await registerUser(http, 'known');
      const res = await owner.http.post(path(id, '/members'), { email: invitee.email.toUpperCase(), role: 'USER' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ userId: invitee.id, email: invitee.email, name: 'known' });
    });

    it('accepts userId and email together when they name the same user, and userId 0 as "not given"', async () => {
      const { id, owner } = await team();
      const both = await registerUser(http, 'both');
      const res = await owner.http.post(path(id, '/members'), { userId: both.id, email: both.email, role: 'USER' });
      expect(res.status).toBe(201);
      const zero = await owner.http.post(path(id, '/members'), { userId: 0, email: 'zero@example.test', role: 'USER' });
      expect(zero.status).toBe(201);
      expect(zero.body).toMatchObject({ userId: null, email: 'zero@example.test' });
    });

    it('rejects bad invitations with 400/404 and records nothing', async () => {
      const { id, owner } = await team();
      const someone = await registerUser(http, 'someone');
      const other = await registerUser(http, 'other');
      const before = await listMembers(owner.http, id);
      const cases: Array<[unknown, number, string, RegExp]> = [
        [{ role: 'USER' }, 400, 'invitee_missing', /userId or the email/],
        [{ userId: 0, role: 'USER' }, 400, 'invitee_missing', /userId or the email/],
        [{ userId: someone.id, email: other.email, role: 'USER' }, 400, 'invitee_mismatch', /different users/],
        [{ userId: 99999999, role: 'USER' }, 404, 'not_found', /^user not found$/],
        [{ userId: someone.id }, 400, 'validation_failed', /role must be one of USER, ADMIN, OWNER/],
        [{ userId: someone.id, role: 'SUPERUSER' }, 400, 'validation_failed', /role must be one of/],
        [{ userId: -3, role: 'USER' }, 400, 'validation_failed', /userId must be a positive integer/],
        [{ userId: 'abc', role: 'USER' }, 400, 'validation_failed', /userId/],
        [{ userId: 3_000_000_000, role: 'USER' }, 400, 'validation_failed', /userId/],
        [{ userId: null, role: 'USER' }, 400, 'validation_failed', /userId/],
        [{ email: 'not-an-email', role: 'USER' }, 400, 'validation_failed', /email must be a valid e-mail/],
        [{ email: 'a@example.test', role: 'USER', meta: [1] }, 400, 'validation_failed', /meta must be a JSON object/],
        [
          { email: 'a@example.test', role: 'USER', acceptedAt: 'now' },
          400,
          'validation_failed',
          /acceptedAt: unknown field/,
        ],
      ];
      for (const [body, status, code, message] of cases) {
        expectError(await owner.http.post(path(id, '/members'), body), status, code, message);
      }
      expect(await listMembers(owner.http, id)).toEqual(before);
    });

    it('refuses duplicates with 409: an active member, a pending invite, the same person by e-mail', async () => {
      const { id, owner, user } = await team();
      const invitee = await registerUser(http, 'dup');
      expect((await owner.http.post(path(id, '/members'), { userId: invitee.id, role: 'USER' })).status).toBe(201);
      const before = await listMembers(owner.http, id);

      expectError(
        await owner.http.post(path(id, '/members'), { userId: user.id, role: 'ADMIN' }),
        409,
        'already_member',
      );
      expectError(
        await owner.http.post(path(id, '/members'), { email: user.email, role: 'USER' }),
        409,
        'already_member',
      );
      expectError(
        await owner.http.post(path(id, '/members'), { userId: invitee.id, role: 'USER' }),
        409,
        'already_invited',
      );
      expectError(
        await owner.http.post(path(id, '/members'), { email: invitee.email.toUpperCase(), role: 'USER' }),
        409,
        'already_invited',
      );
      expect(await listMembers(owner.http, id)).toEqual(before);
    });

    it('needs ADMIN to invite (USER gets 403), and OWNER to invite an OWNER', async () => {
      const { id, owner, admin, user } = await team();
      const [a, b, c] = [await registerUser(http, 'a'), await registerUser(http, 'b'), await registerUser(http, 'c')];
      expectError(
        await user.http.post(path(id, '/members'), { userId: a.id, role: 'USER' }),
        403,
        'role_too_low',
        /ADMIN/,
      );
      expectError(await admin.http.post(path(id, '/members'), { userId: a.id, role: 'OWNER' }), 403, 'owner_only');
      expect((await listMembers(owner.http, id)).map((m) => m.userId)).not.toContain(a.id);

      expect((await admin.http.post(path(id, '/members'), { userId: b.id, role: 'ADMIN' })).status).toBe(201);
      expect((await owner.http.post(path(id, '/members'), { userId: c.id, role: 'OWNER' })).status).toBe(201);
      // An accepted OWNER invite makes a second owner.
      expect((await c.http.post(path(id, '/accept-invite'), { email: c.email })).status).toBe(200);
      expect((await c.http.get(path(id))).body.my_role).toBe('OWNER');
    });
  });

  describe('POST /workspaces/{id}/accept-invite', () => {
    it("refuses someone else's e-mail with 403 and leaves the invite pending", async () => {
      const { id, owner } = await team();
      const invitee = await registerUser(http, 'invitee');
      const thief = await registerUser(http, 'thief');
      const invite = await owner.http.post(path(id, '/members'), { userId: invitee.id, role: 'ADMIN' });

      expectError(await thief.http.post(path(id, '/accept-invite'), { email: invitee.email }), 403, 'email_mismatch');
      expectError(await invitee.http.post(path(id, '/accept-invite'), { email: thief.email }), 403, 'email_mismatch');
      expectError(await thief.http.get(path(id)), 404, 'not_found');
      const still = (await listMembers(owner.http, id)).find((m) => m.id === invite.body.id);
      expect(still).toMatchObject({ status: 'pending', userId: invitee.id, acceptedAt: null });
    });

    it('answers 404 without a pending invitation (never invited, already accepted, missing workspace)', async () => {
      const { id, user } = await team();
      const stranger = await registerUser(http, 'stranger');
      const never = await stranger.http.post(path(id, '/accept-invite'), { email: stranger.email });
      expectError(never, 404, 'not_found', /^invitation not found$/);
      expectError(await user.http.post(path(id, '/accept-invite'), { email: user.email }), 404, 'not_found');
      const missing = await stranger.http.post(path(99999999, '/accept-invite'), { email: stranger.email });
      expectError(missing, 404, 'not_found');
      expect(missing.body.error).toBe(never.body.error);
    });

    it('validates the body and the id', async () => {
      const { id, user } = await team();
      expectError(await user.http.post(path(id, '/accept-invite'), {}), 400, 'validation_failed', /email/);
      expectError(await user.http.post(path(id, '/accept-invite'), { email: 'nope' }), 400, 'validation_failed');
      expectError(
        await user.http.post(path(id, '/accept-invite'), { email: user.email, x: 1 }),
        400,
        'validation_failed',
      );
      expectError(await user.http.post('/workspaces/abc/accept-invite', { email: user.email }), 400, 'invalid_id');
    });
  });

  describe('PATCH /workspaces/{id}/members/{memberId}', () => {
    it('lets an ADMIN change roles below OWNER', async () => {
      const { id, owner, admin, user, ids } = await team();
      const res = await admin.http.patch(path(id, `/members/${ids.user}`), { role: 'ADMIN' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: ids.user, userId: user.id, role: 'ADMIN', status: 'active' });
      expect((await user.http.get(path(id))).body.my_role).toBe('ADMIN');
      expect((await owner.http.patch(path(id, `/members/${ids.admin}`), { role: 'USER' })).body.role).toBe('USER');
      expectError(await admin.http.patch(path(id, `/members/${ids.user}`), { role: 'USER' }), 403, 'role_too_low');
    });

    it('refuses a USER with 403; an ADMIN may neither grant OWNER nor touch an OWNER', async () => {
      const { id, owner, admin, user, ids } = await team();
      const before = await roles(owner.http, id);
      expectError(await user.http.patch(path(id, `/members/${ids.admin}`), { role: 'USER' }), 403, 'role_too_low');
      expectError(await user.http.patch(path(id, `/members/${ids.user}`), { role: 'ADMIN' }), 403, 'role_too_low');
      expectError(
        await admin.http.patch(path(id, `/members/${ids.user}`), { role: 'OWNER' }),
        403,
        'owner_only',
        /grant the OWNER/,
      );
      expectError(await admin.http.patch(path(id, `/members/${ids.admin}`), { role: 'OWNER' }), 403, 'owner_only');
      expectError(
        await admin.http.patch(path(id, `/members/${ids.owner}`), { role: 'USER' }),
        403,
        'owner_only',
        /owner's role/,
      );
      expect(await roles(owner.http, id)).toEqual(before);
    });

    it('refuses to demote the last OWNER (409) but allows it once another owner exists', async () => {
      const { id, owner, admin, ids } = await team();
      const last = await owner.http.patch(path(id, `/members/${ids.owner}`), { role: 'ADMIN' });
      expectError(last, 409, 'last_owner', /last owner cannot be demoted/);
      expect((await owner.http.get(path(id))).body.my_role).toBe('OWNER');

      expect((await owner.http.patch(path(id, `/members/${ids.admin}`), { role: 'OWNER' })).status).toBe(200);
      const res = await admin.http.patch(path(id, `/members/${ids.owner}`), { role: 'USER' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('USER');
      // workspaces.ownerId follows the remaining owner.
      expect((await admin.http.get(path(id))).body).toMatchObject({ ownerId: admin.id, my_role: 'OWNER' });
      expectError(await admin.http.patch(path(id, `/members/${ids.admin}`), { role: 'ADMIN' }), 409, 'last_owner');
    });

    it('answers 404 for a member of another workspace and 400 for bad input', async () => {
      const a = await team();
      const b = await team();
      expectError(
        await a.owner.http.patch(path(a.id, `/members/${b.ids.user}`), { role: 'ADMIN' }),
        404,
        'not_found',
        /^member not found$/,
      );
      expect((await b.user.http.get(path(b.id))).body.my_role).toBe('USER');
      for (const body of [{}, { role: 'ROOT' }, { role: null }, { role: 'ADMIN', meta: {} }]) {
        expectError(await a.owner.http.patch(path(a.id, `/members/${a.ids.user}`), body), 400, 'validation_failed');
      }
      expectError(
        await a.owner.http.patch(path(a.id, '/members/x1'), { role: 'ADMIN' }),
        400,
        'invalid_id',
        /member id/,
      );
    });
  });

  describe('DELETE /workspaces/{id}/members/{memberId}', () => {
    it('lets an ADMIN remove a member, who then loses access', async () => {
      const { id, admin, user, ids } = await team();
      const res = await admin.http.delete(path(id, `/members/${ids.user}`));
      expect(res.status).toBe(204);
      expectError(await user.http.get(path(id)), 404, 'not_found');
      expect((await listMembers(admin.http, id)).map((m) => m.id)).not.toContain(ids.user);
      expectError(await admin.http.delete(path(id, `/members/${ids.user}`)), 404, 'not_found');
    });

    it('lets an ADMIN revoke a pending invitation', async () => {
      const { id, admin } = await team();
      const invitee = await registerUser(http, 'revoked');
      const invite = await admin.http.post(path(id, '/members'), { userId: invitee.id, role: 'USER' });
      expect((await admin.http.delete(path(id, `/members/${invite.body.id}`))).status).toBe(204);
      expectError(await invitee.http.post(path(id, '/accept-invite'), { email: invitee.email }), 404, 'not_found');
    });

    it('refuses a USER removing someone else and an ADMIN removing an OWNER (403)', async () => {
      const { id, owner, admin, user, ids } = await team();
      const before = await roles(owner.http, id);
      expectError(await user.http.delete(path(id, `/members/${ids.admin}`)), 403, 'role_too_low');
      expectError(await user.http.delete(path(id, `/members/${ids.owner}`)), 403, 'role_too_low');
      expectError(await admin.http.delete(path(id, `/members/${ids.owner}`)), 403, 'owner_only');
      expect(await roles(owner.http, id)).toEqual(before);
    });

    it('lets any member leave, except the last OWNER (409)', async () => {
      const { id, owner, admin, user, ids } = await team();
      expect((await user.http.delete(path(id, `/members/${ids.user}`))).status).toBe(204);
      expectError(await user.http.get(path(id)), 404, 'not_found');
      expect((await admin.http.delete(path(id, `/members/${ids.admin}`))).status).toBe(204);

      expectError(
        await owner.http.delete(path(id, `/members/${ids.owner}`)),
        409,
        'last_owner',
        /last owner cannot be removed/,
      );
      expect((await owner.http.get(path(id))).body.my_role).toBe('OWNER');
    });

    it('lets an OWNER remove another OWNER while one remains', async () => {
      const { id, owner, admin, ids } = await team();
      expect((await owner.http.patch(path(id, `/members/${ids.admin}`), { role: 'OWNER' })).status).toBe(200);
      expect((await admin.http.delete(path(id, `/members/${ids.owner}`))).status).toBe(204);
      expect((await admin.http.get(path(id))).body).toMatchObject({ ownerId: admin.id, my_role: 'OWNER' });
      expectError(await owner.http.get(path(id)), 404, 'not_found');
    });
  });

  describe('POST /workspaces/{id}/transfer-ownership', () => {
    it('makes the target OWNER and the caller ADMIN, and moves ownerId', async () => {
      const { id, owner, admin, user } = await team();
      const res = await owner.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: user.id });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expect.objectContaining({ id, ownerId: user.id, my_role: 'ADMIN' }));
      expect(await roles(admin.http, id)).toEqual({ [owner.id]: 'ADMIN', [admin.id]: 'ADMIN', [user.id]: 'OWNER' });
      expect((await user.http.get(path(id))).body).toMatchObject({ ownerId: user.id, my_role: 'OWNER' });
      // The former owner is an ADMIN now: OWNER-only actions are refused.
      expectError(await owner.http.delete(path(id)), 403, 'role_too_low');
    });

    it('is OWNER-only (403 for USER and ADMIN) and changes nothing when refused', async () => {
      const { id, owner, admin, user } = await team();
      const before = { workspace: (await owner.http.get(path(id))).body, roles: await roles(owner.http, id) };
      expectError(
        await user.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: user.id }),
        403,
        'role_too_low',
      );
      expectError(
        await admin.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: admin.id }),
        403,
        'role_too_low',
      );
      expect({ workspace: (await owner.http.get(path(id))).body, roles: await roles(owner.http, id) }).toEqual(before);
    });

    it('needs an accepted member as target (404), not the caller (400), and a valid body (400)', async () => {
      const { id, owner } = await team();
      const stranger = await registerUser(http, 'stranger');
      const pending = await registerUser(http, 'pending');
      await owner.http.post(path(id, '/members'), { userId: pending.id, role: 'ADMIN' });
      const before = await roles(owner.http, id);

      expectError(
        await owner.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: stranger.id }),
        404,
        'not_found',
      );
      expectError(
        await owner.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: pending.id }),
        404,
        'not_found',
      );
      expectError(
        await owner.http.post(path(id, '/transfer-ownership'), { newOwnerUserId: owner.id }),
        400,
        'transfer_to_self',
      );
      for (const body of [{}, { newOwnerUserId: 'x' }, { newOwnerUserId: 0 }, { newOwnerUserId: 2, extra: true }]) {
        expectError(await owner.http.post(path(id, '/transfer-ownership'), body), 400, 'validation_failed');
      }
      expect(await roles(owner.http, id)).toEqual(before);
      expect((await owner.http.get(path(id))).body.ownerId).toBe(owner.id);
    });
  });

  it('keeps at least one owner when owners demote themselves or leave concurrently', async () => {
    for (let round = 0; round < 3; round++) {
      const first = await registerUser(http, 'o1');
      const { id } = await createWorkspace(first);
      const owners = [first];
      for (let i = 0; i < 3; i++) {
        const next = await registerUser(http, `o${i + 2}`);
        await addMember(first, id, next, 'OWNER');
        owners.push(next);
      }
      const memberIds = await Promise.all(owners.map((o) => memberIdOf(first.http, id, o.id)));
      // Every owner steps down at once: half by demoting themselves, half by leaving.
      const results = await Promise.all(
        owners.map((o, i) =>
          i % 2 === 0
            ? o.http.patch(path(id, `/members/${memberIds[i]}`), { role: 'ADMIN' })
            : o.http.delete(path(id, `/members/${memberIds[i]}`)),
        ),
      );
      const refused = results.filter((r) => r.status === 409);
      expect(refused).toHaveLength(1);
      expect(refused[0].body.code).toBe('last_owner');
      expect(results.filter((r) => r.status === 200 || r.status === 204)).toHaveLength(3);

      const survivor = owners[results.indexOf(refused[0])];
      const remaining = await listMembers(survivor.http, id);
      expect(remaining.filter((m) => m.role === 'OWNER').map((m) => m.userId)).toEqual([survivor.id]);
      expect((await survivor.http.get(path(id))).body.ownerId).toBe(survivor.id);
    }
  });

  it('announces membership changes and workspace deletion on the event bus, after they happened', async () => {
    const bus = t.app.get(DomainEventBus);
    const seen: Array<DomainEvents['member.changed'] | DomainEvents['workspace.deleted']> = [];
    const offs = [bus.on('member.changed', (e) => void seen.push(e)), bus.on('workspace.deleted', (e) => void seen.push(e))];
    try {
      const { id, owner, admin, user, ids } = await team();
      expect(seen).toEqual([
        { workspaceId: id, userId: owner.id, kind: 'added' },
        { workspaceId: id, userId: admin.id, kind: 'added' },
        { workspaceId: id, userId: user.id, kind: 'added' },
      ]);
      seen.length = 0;
      expect((await admin.http.patch(path(id, `/members/${ids.user}`), { role: 'ADMIN' })).status).toBe(200);
      expect((await admin.http.patch(path(id, `/members/${ids.user}`), { role: 'ADMIN' })).status).toBe(200); // no change, no event
      expect((await admin.http.delete(path(id, `/members/${ids.user}`))).status).toBe(204);
      expect((await owner.http.delete(path(id))).status).toBe(204);
      expect(seen).toEqual([
        { workspaceId: id, userId: user.id, kind: 'role_changed' },
        { workspaceId: id, userId: user.id, kind: 'removed' },
        { workspaceId: id },
      ]);
    } finally {
      for (const off of offs) off();
    }
  });

  it('requires a token on every member endpoint (401)', async () => {
    const { id, ids } = await team();
    const results = await Promise.all([
      http.get(path(id, '/members')),
      http.post(path(id, '/members'), { email: 'x@example.test', role: 'USER' }),
      http.patch(path(id, `/members/${ids.user}`), { role: 'ADMIN' }),
      http.delete(path(id, `/members/${ids.user}`)),
      http.post(path(id, '/accept-invite'), { email: 'x@example.test' }),
      http.post(path(id, '/transfer-ownership'), { newOwnerUserId: 1 }),
    ]);
    for (const res of results) expectError(res, 401, 'unauthorized');
  });
});
