import { createHash } from 'node:crypto';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AgentPskGuard, AgentRequest } from '../src/agents/agent-psk.guard';
import { CurrentAgent } from '../src/agents/current-agent.decorator';
import { ApiError } from '../src/common/api-error';
import { agentRow, createAgent, db, enroll, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { expectError, ISO_MS } from './support/workspace-members';

const MAX_ATTEMPTS = 3;
const LOCK_SECONDS = 120;

/** The same PIN with one digit changed: wrong, but the same shape. */
function wrong(pin: string): string {
  return (pin[0] === '0' ? '1' : '0') + pin.slice(1);
}

describeOnEachDatabase('agent enrollment', (mode) => {
  let t: TestApp;
  let http: Http;
  let f: RoleFixture;

  beforeAll(async () => {
    t = await startTestApp(mode, { PIN_MAX_ATTEMPTS: String(MAX_ATTEMPTS), PIN_LOCK_SECONDS: String(LOCK_SECONDS) });
    http = new Http(t.url);
    f = await workspaceWithRoles(http);
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (body: Record<string, unknown>) => http.post('/agent', body);
  const issuePin = async (agentId: number, body: Record<string, unknown> = {}): Promise<string> => {
    const res = await f.admin.http.post(`/workspaces/${f.ws}/agents/${agentId}/issue-pin`, body);
    expect(res.status).toBe(200);
    return res.body.pin;
  };

  describe('PIN bootstrap', () => {
    it('exchanges the PIN for a PSK, marks the agent initialized, and stores only hashes', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const res = await login({ workspace_id: f.ws, agent_id: agent.id, pin });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'success', psk: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), agent: expect.any(Object) });
      expect(res.body.agent).toMatchObject({ id: agent.id, workspace_id: f.ws, initialized: true, last_seen_at: expect.stringMatching(ISO_MS) });
      expect(res.body.agent).not.toHaveProperty('psk_hash');

      const row = await agentRow(t, agent.id);
      expect(row.psk_hash).toBe(createHash('sha256').update(res.body.psk).digest('hex'));
      expect(row.pin_hash).toBeNull();
      expect(row.pin_expires_at).toBeNull();
      expect(row.pin_failed_attempts).toBe(0);
      const everything = JSON.stringify(row);
      expect(everything).not.toContain(res.body.psk);
      expect(everything).not.toContain(pin);
    });

    it('stores a fresh PIN only as a salted scrypt hash', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const row = await agentRow(t, agent.id);
      expect(row.pin_hash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(row)).not.toContain(pin);
      expect(row.psk_hash).toBeNull();
    });

    it('is single-use', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, pin })).status).toBe(200);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin }), 401, 'invalid_agent_credentials');
    });

    it('lets exactly one of two concurrent uses of one PIN succeed', async () => {
      for (let round = 0; round < 3; round++) {
        const { agent, pin } = await createAgent(f.user, f.ws);
        const results = await Promise.all([
          login({ workspace_id: f.ws, agent_id: agent.id, pin }),
          login({ workspace_id: f.ws, agent_id: agent.id, pin }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
        const winner = results.find((r) => r.status === 200);
        expect((await agentRow(t, agent.id)).psk_hash).toBe(createHash('sha256').update(winner?.body.psk).digest('hex'));
      }
    });

    it('refuses a wrong PIN with 401 and counts the failure', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(pin) }), 401, 'invalid_agent_credentials');
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(1);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: 'not digits' }), 401);
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(2);
      // The right PIN still works below the limit, and resets the counter.
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, pin })).status).toBe(200);
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(0);
    });

    it('refuses an unknown agent or an agent of another workspace with 401', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expectError(await login({ workspace_id: f.ws, agent_id: 2_000_000_000, pin }), 401, 'invalid_agent_credentials');
      expectError(await login({ workspace_id: f.otherWs, agent_id: agent.id, pin }), 401, 'invalid_agent_credentials');
      expectError(await login({ workspace_id: 2_000_000_000, agent_id: agent.id, pin }), 401, 'invalid_agent_credentials');
      // None of that touched the agent: its PIN still works.
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(0);
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, pin })).status).toBe(200);
    });

    it('answers a PIN for a deleted agent exactly like one for an unknown agent (ids cannot be enumerated)', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${agent.id}`)).status).toBe(204);
      const deleted = await login({ workspace_id: f.ws, agent_id: agent.id, pin });
      const unknown = await login({ workspace_id: f.ws, agent_id: 2_000_000_001, pin });
      expectError(deleted, 401, 'invalid_agent_credentials');
      expectError(unknown, 401, 'invalid_agent_credentials');
      expect(deleted.body.error).toBe(unknown.body.error);
    });

    it('refuses an expired PIN', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      const pin = await issuePin(agent.id, { ttlSeconds: 60 });
      const row = await agentRow(t, agent.id);
      const expiresIn = (new Date(row.pin_expires_at as string).getTime() - Date.now()) / 1000;
      expect(expiresIn).toBeGreaterThan(50);
      expect(expiresIn).toBeLessThanOrEqual(61);
      await db(t).query(`UPDATE agents SET pin_expires_at = now() - interval '1 second' WHERE id = $1`, [agent.id]);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin }), 401, 'invalid_agent_credentials');
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(1);
      expect((await agentRow(t, agent.id)).psk_hash).toBeNull();
    });

    it(`locks after ${MAX_ATTEMPTS} wrong PINs: 429 with Retry-After, even for the right PIN, until the lock ends`, async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      for (let i = 1; i <= MAX_ATTEMPTS; i++) {
        expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(pin) }), 401);
      }
      const locked = await login({ workspace_id: f.ws, agent_id: agent.id, pin });
      expectError(locked, 429, 'pin_locked');
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(LOCK_SECONDS - 10);
      expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(pin) }), 429, 'pin_locked');
      const row = await agentRow(t, agent.id);
      expect(row.pin_locked_until).not.toBeNull();
      expect(row.psk_hash).toBeNull();

      // The lock ends: the count starts again and the right PIN works.
      await db(t).query(`UPDATE agents SET pin_locked_until = now() - interval '1 second' WHERE id = $1`, [agent.id]);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(pin) }), 401);
      expect((await agentRow(t, agent.id)).pin_failed_attempts).toBe(1);
      const ok = await login({ workspace_id: f.ws, agent_id: agent.id, pin });
      expect(ok.status).toBe(200);
      const after = await agentRow(t, agent.id);
      expect(after).toMatchObject({ pin_failed_attempts: 0, pin_locked_until: null, initialized: true });
    });

    it('cannot be out-guessed by concurrent wrong PINs: at most the limit are checked', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const results = await Promise.all(
        Array.from({ length: MAX_ATTEMPTS + 4 }, () => login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(pin) })),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_ATTEMPTS);
      expect(statuses.filter((s) => s === 429)).toHaveLength(4);
    });

    it('issue-pin replaces the unused PIN and clears the counter and lock', async () => {
      const { agent, pin: first } = await createAgent(f.user, f.ws);
      for (let i = 0; i < MAX_ATTEMPTS; i++) await login({ workspace_id: f.ws, agent_id: agent.id, pin: wrong(first) });
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: first }), 429);
      const second = await issuePin(agent.id);
      expect(await agentRow(t, agent.id)).toMatchObject({ pin_failed_attempts: 0, pin_locked_until: null });
      if (second !== first) {
        expectError(await login({ workspace_id: f.ws, agent_id: agent.id, pin: first }), 401);
      }
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, pin: second })).status).toBe(200);
    });

    it('keeps the old PSK working until the re-issued PIN is used, then only the new PSK works', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const oldPsk = await enroll(http, f.ws, agent.id, pin);
      const newPin = await issuePin(agent.id);
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, psk: oldPsk })).status).toBe(200);
      const newPsk = await enroll(http, f.ws, agent.id, newPin);
      expect(newPsk).not.toBe(oldPsk);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, psk: oldPsk }), 401);
      expect((await login({ workspace_id: f.ws, agent_id: agent.id, psk: newPsk })).status).toBe(200);
    });
  });

  describe('PSK login', () => {
    it('answers ok with the agent and records when it was seen', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const psk = await enroll(http, f.ws, agent.id, pin);
      await db(t).query('UPDATE agents SET last_seen_at = NULL WHERE id = $1', [agent.id]);
      const res = await login({ workspace_id: f.ws, agent_id: agent.id, psk });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', agent: expect.objectContaining({ id: agent.id, initialized: true }) });
      expect(res.body.agent.last_seen_at).toMatch(ISO_MS);
      expect((await agentRow(t, agent.id)).last_seen_at).not.toBeNull();
    });

    it('refuses a wrong PSK, another agent’s PSK and the wrong workspace with 401', async () => {
      const a = await createAgent(f.user, f.ws);
      const b = await createAgent(f.user, f.ws);
      const pskA = await enroll(http, f.ws, a.agent.id, a.pin);
      const pskB = await enroll(http, f.ws, b.agent.id, b.pin);
      expectError(await login({ workspace_id: f.ws, agent_id: a.agent.id, psk: 'x'.repeat(43) }), 401, 'invalid_agent_credentials');
      expectError(await login({ workspace_id: f.ws, agent_id: a.agent.id, psk: pskB }), 401, 'invalid_agent_credentials');
      expectError(await login({ workspace_id: f.otherWs, agent_id: a.agent.id, psk: pskA }), 401, 'invalid_agent_credentials');
      expectError(await login({ workspace_id: f.ws, agent_id: 2_000_000_000, psk: pskA }), 401, 'invalid_agent_credentials');
    });

    it('refuses a PSK before enrollment', async () => {
      const { agent } = await createAgent(f.user, f.ws);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, psk: 'anything-at-all' }), 401);
    });

    it('answers 410 for a deleted agent with its own PSK, 401 with a wrong one', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const psk = await enroll(http, f.ws, agent.id, pin);
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${agent.id}`)).status).toBe(204);
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, psk }), 410, 'agent_deleted');
      expectError(await login({ workspace_id: f.ws, agent_id: agent.id, psk: 'wrong' }), 401);
    });
  });

  describe('request validation', () => {
    it.each([
      [{ workspace_id: 1, agent_id: 1 }, 'pin_or_psk'],
      [{ workspace_id: 1, agent_id: 1, pin: '123456789', psk: 'abc' }, 'pin_or_psk'],
      [{ agent_id: 1, pin: '123456789' }, 'validation_failed'],
      [{ workspace_id: '1', agent_id: 1, pin: '123456789' }, 'validation_failed'],
      [{ workspace_id: 0, agent_id: 1, pin: '123456789' }, 'validation_failed'],
      [{ workspace_id: 1, agent_id: 3_000_000_000, pin: '123456789' }, 'validation_failed'],
      [{ workspace_id: 1, agent_id: 1, pin: 123456789 }, 'validation_failed'],
      [{ workspace_id: 1, agent_id: 1, pin: '123456789', extra: true }, 'validation_failed'],
    ])('answers 400 to %j', async (body, code) => {
      expectError(await login(body), 400, code);
    });

    it('needs no JWT and ignores one', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      expect((await f.outsider.http.post('/agent', { workspace_id: f.ws, agent_id: agent.id, pin })).status).toBe(200);
    });
  });

  describe('AgentPskGuard and @CurrentAgent for agent-facing routes', () => {
    const contextFor = (headers: Record<string, string>) => {
      const req = { headers } as unknown as AgentRequest;
      return { req, ctx: new ExecutionContextHost([req, {}]) };
    };
    const failure = async (p: Promise<unknown>): Promise<[number, string]> => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ApiError);
      return [(err as ApiError).getStatus(), (err as ApiError).code];
    };

    it('attaches the authenticated agent', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const psk = await enroll(http, f.ws, agent.id, pin);
      const guard = t.app.get(AgentPskGuard);
      const { req, ctx } = contextFor({ 'x-workspace-id': String(f.ws), 'x-agent-id': String(agent.id), 'x-agent-psk': psk });
      await expect(guard.canActivate(ctx)).resolves.toBe(true);
      expect(req.agent).toMatchObject({ id: agent.id, workspaceId: f.ws });
      expect(req.agent?.pskHash).toBeUndefined();
      expect(req.agent?.pinHash).toBeUndefined();

      class Probe {
        handler(@CurrentAgent() _agent: unknown): void {}
      }
      const meta = Reflect.getMetadata(ROUTE_ARGS_METADATA, Probe, 'handler') as Record<string, { factory: (d: unknown, c: unknown) => unknown }>;
      const factory = Object.values(meta)[0].factory;
      expect(factory(undefined, ctx)).toBe(req.agent);
      expect(() => factory(undefined, contextFor({}).ctx)).toThrow(ApiError);
    });

    it('answers 401 for missing, malformed or wrong headers and 410 for a deleted agent', async () => {
      const { agent, pin } = await createAgent(f.user, f.ws);
      const psk = await enroll(http, f.ws, agent.id, pin);
      const guard = t.app.get(AgentPskGuard);
      const good = { 'x-workspace-id': String(f.ws), 'x-agent-id': String(agent.id), 'x-agent-psk': psk };
      const cases: Array<Record<string, string>> = [
        {},
        { ...good, 'x-agent-psk': '' },
        { 'x-workspace-id': good['x-workspace-id'], 'x-agent-id': good['x-agent-id'] },
        { ...good, 'x-agent-id': 'abc' },
        { ...good, 'x-agent-id': '-1' },
        { ...good, 'x-workspace-id': '99999999999' },
        { ...good, 'x-agent-psk': 'wrong' },
        { ...good, 'x-workspace-id': String(f.otherWs) },
      ];
      for (const headers of cases) {
        expect(await failure(guard.canActivate(contextFor(headers).ctx))).toEqual([401, expect.any(String)]);
      }
      expect((await f.admin.http.delete(`/workspaces/${f.ws}/agents/${agent.id}`)).status).toBe(204);
      expect(await failure(guard.canActivate(contextFor(good).ctx))).toEqual([410, 'agent_deleted']);
    });
  });
});
