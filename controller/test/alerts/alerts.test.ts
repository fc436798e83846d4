import type { AlertChangedMessage, ProbePostOk } from '@netwatcher/shared';
import { AlertEvaluator } from '../../src/alerts/alert-evaluator.service';
import { NotificationWorker } from '../../src/alerts/delivery/notification-worker.service';
import { verifyWebhook } from '../../src/alerts/delivery/webhook-signature';
import { db } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { AgentClient, collect, nextEvent, panelSocket, PanelClient } from '../support/sockets';
import { startTestApp, TestApp } from '../support/test-app';
import { addMember, expectError } from '../support/workspace-members';
import { startSmtpReceiver, startWebhookReceiver, WebhookReceiver } from './receivers';
import { connectSimulatedAgent, pingWithLoss, postResult, SimulatedAgent } from './simulated-agent';

const SECRET = 'whsec-test-secret';

describe('alerts: rules, evaluation on ingest, delivery', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  let agentId: number;
  let probeId: number;
  let foreignProbeId: number;
  let agent: AgentClient;
  let hooks: WebhookReceiver;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const sockets: (AgentClient | PanelClient)[] = [];
  /** Results of one series must move forward in time: each post is a second after the last. */
  let clock = Date.now() - 3_600_000;

  async function post(loss: number, probe = probeId, socket = agent, target = '127.0.0.1'): Promise<ProbePostOk> {
    clock += 1000;
    const got = await postResult(socket, pingWithLoss(probe, loss, new Date(clock), target));
    expect(got.rejected).toEqual([]);
    await t.app.get(AlertEvaluator).idle();
    return got;
  }

  async function enrolledAgent(user: TestUser, workspaceId: number): Promise<SimulatedAgent> {
    const simulated = await connectSimulatedAgent(t.url, user, workspaceId);
    sockets.push(simulated.socket);
    return simulated;
  }

  async function ruleCount(workspaceId = ws): Promise<number> {
    const [row] = await db(t).query('SELECT count(*)::int AS n FROM alert_rules WHERE workspace_id = $1', [workspaceId]);
    return row.n;
  }

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    t = await startTestApp('postgres', {
      ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1',
      ALERT_NOTIFY_MAX_ATTEMPTS: '3',
      ALERT_NOTIFY_RETRY_BASE_MS: '20',
      ALERT_WORKER_INTERVAL_MS: '50',
      SMTP_URL: smtp.url,
      ALERT_EMAIL_FROM: 'alerts@netwatcher.test',
    });
    http = new Http(t.url);
    [owner, member, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'member'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(outsider)).id;
    await addMember(owner, ws, member, 'USER');
    const a = await enrolledAgent(owner, ws);
    agentId = a.id;
    agent = a.socket;
    probeId = a.probe;
    foreignProbeId = (await enrolledAgent(outsider, otherWs)).probe;
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
    await hooks?.close();
    await smtp?.close();
  });

  it('refuses bad rules with the documented 400 and stores nothing', async () => {
    const valid = { name: 'loss', metric: 'packet_loss', operator: '>', threshold: 5 };
    const before = await ruleCount();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...valid, metric: 'packet_loss_pct' }, /metric must be one of/],
      [{ ...valid, operator: '=>' }, /operator must be one of/],
      [{ ...valid, threshold: '5' }, /threshold must be a number/],
      [{ ...valid, threshold: null }, /threshold/],
      [{ metric: 'packet_loss', operator: '>', threshold: 5 }, /name is required/],
      [{ ...valid, probe_id: foreignProbeId }, /probe \d+ not found in this workspace/],
      [{ ...valid, notify_webhook: true, webhook_url: 'not a url' }, /webhook_url is not a valid URL/],
      [{ ...valid, notify_webhook: true }, /needs a webhook_url/],
      [{ ...valid, clear_threshold: 9 }, /clear_threshold must be at most threshold/],
      [{ ...valid, severity: 'disaster' }, /severity must be one of/],
      [{ ...valid, surprise: 1 }, /unknown field/],
    ];
    for (const [body, message] of cases) {
      expectError(await owner.http.post(`/workspaces/${ws}/alert-rules`, body), 400, 'validation_failed', message);
    }
    expect(await ruleCount()).toBe(before);
  });

  it('lets members read rules, only ADMIN write them, and outsiders see nothing', async () => {
    const body = { name: 'read-only check', metric: 'latency', operator: '>', threshold: 500 };
    expectError(await member.http.post(`/workspaces/${ws}/alert-rules`, body), 403, 'role_too_low');
    expectError(await outsider.http.post(`/workspaces/${ws}/alert-rules`, body), 404, 'not_found');
    const created = await owner.http.post(`/workspaces/${ws}/alert-rules`, body);
    expect(created.status).toBe(201);
    expect((await member.http.get(`/workspaces/${ws}/alert-rules`)).body.data.map((r: { id: number }) => r.id)).toContain(created.body.id);
    expectError(await outsider.http.get(`/workspaces/${ws}/alert-rules`), 404, 'not_found');
    expectError(await outsider.http.patch(`/workspaces/${ws}/alert-rules/${created.body.id}`, { threshold: 1 }), 404, 'not_found');
    expectError(await member.http.delete(`/workspaces/${ws}/alert-rules/${created.body.id}`), 403, 'role_too_low');
    expect((await owner.http.delete(`/workspaces/${ws}/alert-rules/${created.body.id}`)).status).toBe(204);
    expectError(await owner.http.get(`/workspaces/${ws}/alert-rules/${created.body.id}`), 404, 'not_found');
  });

  it('fires on a breaching result, notifies panel members, a signed webhook and e-mail, and clears with hysteresis', async () => {
    const memberPanel = panelSocket(t.url, member.token);
    const outsiderPanel = panelSocket(t.url, outsider.token);
    sockets.push(memberPanel, outsiderPanel);
    for (const [socket, workspace] of [
      [memberPanel, ws],
      [outsiderPanel, otherWs],
    ] as const) {
      const subscribed = nextEvent(socket, 'subscribed');
      socket.emit('subscribe', { workspace_id: workspace, probe_id: 0 });
      await subscribed;
    }
    const memberSaw = collect<AlertChangedMessage>(memberPanel, 'alert');
    const outsiderSaw = collect<AlertChangedMessage>(outsiderPanel, 'alert');

    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'High Packet Loss',
      metric: 'packet_loss',
      operator: '>',
      threshold: 5,
      clear_threshold: 1,
      severity: 'critical',
      probe_id: probeId,
      notify_panel: true,
      notify_webhook: true,
      webhook_url: `${hooks.url}/hook`,
      webhook_secret: SECRET,
      notify_email: true,
      email_to: ['Oncall@Example.test'],
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ has_webhook_secret: true, email_to: ['oncall@example.test'], enabled: true });
    expect(rule.body).not.toHaveProperty('webhook_secret');
    expect(JSON.stringify((await member.http.get(`/workspaces/${ws}/alert-rules/${rule.body.id}`)).body)).not.toContain(SECRET);

    await post(0);
    expect((await member.http.get('/workspaces/alerts/count')).body).toEqual({ count: 0 });
    const breaching = await post(25);

    const listed = await member.http.get('/workspaces/alerts?status=active');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    const alert = listed.body.data[0];
    expect(alert).toMatchObject({
      workspace_id: ws,
      probe_id: probeId,
      agent_id: agentId,
      probe_type: 'PING',
      probe_target: '127.0.0.1',
      metric: 'packet_loss',
      value: 25,
      threshold: 5,
      severity: 'critical',
      status: 'active',
      acknowledged_at: null,
      resolved_at: null,
    });
    expect(typeof alert.agent_name).toBe('string');
    expect(new Date(alert.triggered_at).getTime()).toBe(clock);
    expect((await member.http.get('/workspaces/alerts/count')).body).toEqual({ count: 1 });
    expect((await outsider.http.get('/workspaces/alerts')).body).toMatchObject({ data: [], total: 0 });
    expect(breaching.ids).toHaveLength(1);

    await waitUntil('the panel alert event', async () => memberSaw.length >= 1, { timeoutMs: 5000 });
    expect(memberSaw[0]).toMatchObject({ type: 'alert', action: 'created', workspace_id: ws, alert: { id: alert.id, status: 'active' } });

    await waitUntil('the webhook', async () => hooks.received.length >= 1, { timeoutMs: 5000 });
    const hook = hooks.received[0];
    expect(hook.path).toBe('/hook');
    expect(
      verifyWebhook(SECRET, { signature: String(hook.headers['x-signature']), timestamp: String(hook.headers['x-timestamp']) }, hook.body, Math.floor(Date.now() / 1000)),
    ).toBe(true);
    expect(JSON.parse(hook.body)).toMatchObject({ event: 'alert.triggered', rule: { id: rule.body.id }, alert: { id: alert.id, value: 25 } });
    await waitUntil('the e-mail', async () => smtp.mails.length >= 1, { timeoutMs: 5000 });
    expect(smtp.mails[0]).toMatchObject({ from: 'alerts@netwatcher.test', to: ['oncall@example.test'] });
    expect(smtp.mails[0].data).toContain('[FIRING] critical: High Packet Loss');

    // Between the thresholds nothing changes; below the clear threshold it resolves.
    await post(3);
    expect((await member.http.get(`/workspaces/alerts?status=active`)).body.total).toBe(1);
    await post(0.5);
    const resolved = await member.http.get(`/workspaces/alerts?status=resolved`);
    expect(resolved.body.data[0]).toMatchObject({ id: alert.id, status: 'resolved' });
    expect((await member.http.get('/workspaces/alerts/count')).body).toEqual({ count: 0 });
    await waitUntil('the resolved panel event', async () => memberSaw.some((m) => m.action === 'resolved'), { timeoutMs: 5000 });
    await waitUntil('the resolved webhook', async () => hooks.received.some((h) => JSON.parse(h.body).event === 'alert.resolved'), { timeoutMs: 5000 });

    const history = await member.http.get(`/alerts/${alert.id}/history`);
    expect(history.body.data.map((h: { kind: string; value: number }) => [h.kind, h.value])).toEqual([
      ['fired', 25],
      ['resolved', 0.5],
    ]);
    expect(outsiderSaw).toEqual([]);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('sustained for N results: fires on the Nth consecutive breach, however quickly they come', async () => {
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'sustained', metric: 'packet_loss', operator: '>', threshold: 40, sustain_count: 3, probe_id: probeId,
    });
    const fired = async () => (await db(t).query(`SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1`, [rule.body.id]))[0].n;
    await post(0);
    await post(50);
    await post(50);
    await post(0); // the run is broken: counting starts again
    await post(50);
    await post(50);
    expect(await fired()).toBe(0);
    await post(50);
    expect(await fired()).toBe(1);
    await post(0);
    // Three breaches in one post are evaluated in one batch, before any state is written behind.
    const batch = [1, 2, 3].map(() => pingWithLoss(probeId, 50, new Date((clock += 1000))));
    const ack = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
    agent.emit('probe_post', batch as never);
    expect((await ack).ids).toHaveLength(3);
    await t.app.get(AlertEvaluator).idle();
    expect(await fired()).toBe(2);
    await post(0);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('a result delivered twice changes nothing', async () => {
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'dup', metric: 'packet_loss', operator: '>', threshold: 50, probe_id: probeId });
    clock += 1000;
    const result = pingWithLoss(probeId, 100, new Date(clock));
    for (let i = 0; i < 2; i++) {
      const ack = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
      agent.emit('probe_post', result as never);
      expect((await ack).ids).toEqual([result.id]);
      await t.app.get(AlertEvaluator).idle();
    }
    const [row] = await db(t).query(`SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(row.n).toBe(1);
    const [hist] = await db(t).query(`SELECT count(*)::int AS n FROM alert_history h JOIN alerts a ON a.id = h.alert_id WHERE a.rule_id = $1`, [rule.body.id]);
    expect(hist.n).toBe(1);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('acknowledge and resolve by hand: members only, 404 for anyone else, 400 for a bad status', async () => {
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'ack', metric: 'packet_loss', operator: '>=', threshold: 90, probe_id: probeId });
    await post(100);
    const [alert] = (await member.http.get('/workspaces/alerts?status=active')).body.data;
    expect(alert.rule_id).toBe(rule.body.id);
    expectError(await outsider.http.patch(`/alerts/${alert.id}`, { status: 'acknowledged' }), 404, 'not_found');
    expectError(await outsider.http.get(`/alerts/${alert.id}/history`), 404, 'not_found');
    expectError(await member.http.patch(`/alerts/${alert.id}`, { status: 'active' }), 400, 'validation_failed', /acknowledged or resolved/);
    const acked = await member.http.patch(`/alerts/${alert.id}`, { status: 'acknowledged' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({ id: alert.id, status: 'acknowledged', acknowledged_by: member.id });
    expect((await member.http.get('/workspaces/alerts/count')).body).toEqual({ count: 0 });
    const done = await member.http.patch(`/alerts/${alert.id}`, { status: 'resolved' });
    expect(done.body).toMatchObject({ status: 'resolved' });
    expectError(await member.http.patch(`/alerts/${alert.id}`, { status: 'acknowledged' }), 409, 'alert_resolved');
    // Still breaching after a manual resolve: the next result opens a new alert.
    await post(100);
    expect((await member.http.get('/workspaces/alerts?status=active')).body.total).toBe(1);
    await post(0);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('retries a failing webhook, dead-letters it, and a retry from the list delivers it', async () => {
    const failing = await startWebhookReceiver();
    failing.status = 503;
    try {
      const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
        name: 'dead letter',
        metric: 'latency',
        operator: '>',
        threshold: 1,
        probe_id: probeId,
        notify_webhook: true,
        webhook_url: `${failing.url}/x`,
        webhook_template: 'slack',
      });
      await post(0);
      const worker = t.app.get(NotificationWorker);
      const dead = await waitUntil('the dead-lettered notification', async () => {
          await worker.tick();
          const list = await owner.http.get(`/workspaces/${ws}/notifications?status=dead`);
          return list.body.data.find((n: { rule_id: number }) => n.rule_id === rule.body.id);
        }, { timeoutMs: 10_000, everyMs: 50 });
      expect(dead).toMatchObject({ channel: 'webhook', status: 'dead', attempts: 3, last_status: 503, last_error: 'receiver answered 503' });
      expect(JSON.stringify(dead)).not.toContain('never be reflected');
      expect(failing.received).toHaveLength(3);
      expectError(await member.http.get(`/workspaces/${ws}/notifications`), 403, 'role_too_low');
      expectError(await outsider.http.post(`/workspaces/${ws}/notifications/${dead.id}/retry`), 404, 'not_found');

      failing.status = 200;
      const retried = await owner.http.post(`/workspaces/${ws}/notifications/${dead.id}/retry`);
      expect(retried.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
      expectError(await owner.http.post(`/workspaces/${ws}/notifications/${dead.id}/retry`), 409, 'not_dead');
      await waitUntil('the retried notification to be sent', async () => {
          await worker.tick();
          const [row] = await db(t).query(`SELECT status, attempts FROM notification_outbox WHERE id = $1`, [dead.id]);
          return row.status === 'sent' ? row : undefined;
        }, { timeoutMs: 10_000, everyMs: 50 });
      expect(failing.received).toHaveLength(4);
      expect(JSON.parse(failing.received[3].body).text).toContain('[FIRING]');

      const test = await owner.http.post(`/workspaces/${ws}/alert-rules/${rule.body.id}/test`);
      expect(test.body).toEqual({ results: [{ channel: 'webhook', ok: true, status: 200, error: null }] });
      expect(JSON.parse(failing.received[4].body).text).toContain('[TEST]');
      await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
    } finally {
      await failing.close();
    }
  });

  it('in a maintenance window alerts are recorded but nobody is notified', async () => {
    // From the next result's time (the series' clock runs an hour behind) until an hour from now.
    const start = new Date(clock).toISOString();
    const end = new Date(Date.now() + 3_600_000).toISOString();
    expectError(await member.http.post(`/workspaces/${ws}/maintenance-windows`, { starts_at: start, ends_at: end }), 403, 'role_too_low');
    expectError(await owner.http.post(`/workspaces/${ws}/maintenance-windows`, { starts_at: end, ends_at: start }), 400, 'validation_failed');
    expectError(await owner.http.post(`/workspaces/${ws}/maintenance-windows`, { starts_at: '2026-02-30T00:00:00Z', ends_at: end }), 400, 'validation_failed');
    const window = await owner.http.post(`/workspaces/${ws}/maintenance-windows`, { starts_at: start, ends_at: end, reason: 'router swap' });
    expect(window.status).toBe(201);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'quiet',
      metric: 'packet_loss',
      operator: '>',
      threshold: 10,
      probe_id: probeId,
      notify_webhook: true,
      webhook_url: `${hooks.url}/quiet`,
    });
    await post(80);
    const [alert] = await db(t).query(`SELECT id FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(alert).toBeDefined();
    const [history] = await db(t).query(`SELECT kind, suppressed FROM alert_history WHERE alert_id = $1`, [alert.id]);
    expect(history).toEqual({ kind: 'fired', suppressed: 'maintenance' });
    const [queued] = await db(t).query(`SELECT count(*)::int AS n FROM notification_outbox WHERE rule_id = $1`, [rule.body.id]);
    expect(queued.n).toBe(0);
    await post(0);
    expect((await owner.http.delete(`/workspaces/${ws}/maintenance-windows/${window.body.id}`)).status).toBe(204);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('quorum: one agent seeing loss pages nobody, two agents make it the target', async () => {
    const second = await enrolledAgent(owner, ws);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'target down from 2 agents',
      metric: 'packet_loss',
      operator: '>=',
      threshold: 100,
      target: '127.0.0.1',
      quorum_min_agents: 2,
    });
    expect(rule.status).toBe(201);
    await post(100, probeId, agent);
    const [none] = await db(t).query(`SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(none.n).toBe(0);
    await post(100, second.probe, second.socket);
    const [alert] = await db(t).query(`SELECT value, threshold, fault_at, status FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(alert).toEqual({ value: 2, threshold: 100, fault_at: 'target', status: 'active' });
    await post(0, probeId, agent);
    const [after] = await db(t).query(`SELECT status FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(after.status).toBe('resolved');
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });

  it('agent_offline fires for an agent not heard from for longer than the threshold', async () => {
    expectError(
      await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'x', metric: 'agent_offline', operator: '>', threshold: 60, probe_id: probeId }),
      400,
      'validation_failed',
      /agent_offline/,
    );
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'offline', metric: 'agent_offline', operator: '>', threshold: 600, agent_id: agentId });
    expect(rule.status).toBe(201);
    const evaluator = t.app.get(AlertEvaluator);
    await evaluator.sweepOfflineNow(Date.now());
    const [quiet] = await db(t).query(`SELECT count(*)::int AS n FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(quiet.n).toBe(0);
    await evaluator.sweepOfflineNow(Date.now() + 3_600_000);
    const [alert] = await db(t).query(`SELECT agent_id, metric, status, value FROM alerts WHERE rule_id = $1`, [rule.body.id]);
    expect(alert).toMatchObject({ agent_id: agentId, metric: 'agent_offline', status: 'active' });
    expect(alert.value).toBeGreaterThan(3500);
    await owner.http.delete(`/workspaces/${ws}/alert-rules/${rule.body.id}`);
  });
});
