import type { AlertChangedMessage, ProbeDataMessage, ProbePostOk, SocketErrorMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { AlertEvaluator } from '../src/alerts/alert-evaluator.service';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, panelSocket, PanelClient, pingResult } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * `subscribe {alerts_only: true}` on /panel: the browser panel follows the alerts of every
 * workspace of its user this way, without receiving their probe data.
 */
describe('panel socket: alerts-only subscription', () => {
  let t: TestApp;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  let probeId: number;
  let agent: AgentClient;
  const sockets: (AgentClient | PanelClient)[] = [];
  let clock = Date.now() - 3_600_000;

  async function post(loss: number): Promise<void> {
    clock += 1000;
    const result = pingResult(probeId, { created_at: new Date(clock).toISOString() });
    result.payload = { ...(result.payload as object), loss_pct: loss } as never;
    const ack = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
    agent.emit('probe_post', result as never);
    expect((await ack).rejected).toEqual([]);
    await t.app.get(AlertEvaluator).idle();
  }

  async function subscribed(socket: PanelClient, msg: { workspace_id: number; probe_id: number; alerts_only?: boolean }): Promise<void> {
    const ok = nextEvent(socket, 'subscribed');
    socket.emit('subscribe', msg);
    await ok;
  }

  beforeAll(async () => {
    t = await startTestApp('pglite');
    const http = new Http(t.url);
    [owner, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws);
    const psk = await enroll(http, ws, created.agent.id, created.pin);
    agent = agentSocket(t.url, { workspaceId: ws, agentId: created.agent.id, psk });
    sockets.push(agent);
    expect(await connectOutcome(agent)).toBe('connected');
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'PING', targets: ['127.0.0.1'] });
    expect(probe.status).toBe(201);
    probeId = probe.body.id;
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'loss', metric: 'packet_loss', operator: '>', threshold: 5, probe_id: probeId });
    expect(rule.status).toBe(201);
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
  });

  it('carries alert changes without probe data, to members only, until unsubscribed', async () => {
    const alertsOnly = panelSocket(t.url, owner.token);
    const everything = panelSocket(t.url, owner.token);
    const stranger = panelSocket(t.url, outsider.token);
    sockets.push(alertsOnly, everything, stranger);
    await subscribed(alertsOnly, { workspace_id: ws, probe_id: 0, alerts_only: true });
    await subscribed(everything, { workspace_id: ws, probe_id: 0 });
    const refused = nextEvent<SocketErrorMessage>(stranger, 'error_message');
    stranger.emit('subscribe', { workspace_id: ws, probe_id: 0, alerts_only: true });
    expect(await refused).toMatchObject({ code: 'not_found', event: 'subscribe' });

    const alerts = collect<AlertChangedMessage>(alertsOnly, 'alert');
    const data = collect<ProbeDataMessage>(alertsOnly, 'probe_data');
    const witnessAlerts = collect<AlertChangedMessage>(everything, 'alert');
    const witnessData = collect<ProbeDataMessage>(everything, 'probe_data');
    const strangerAlerts = collect<AlertChangedMessage>(stranger, 'alert');

    await post(25);
    await waitUntil('the alert on both panels', async () => alerts.length === 1 && witnessAlerts.length === 1 && witnessData.length === 1);
    expect(alerts[0]).toMatchObject({ type: 'alert', action: 'created', workspace_id: ws, alert: { probe_id: probeId, status: 'active', value: 25 } });
    // The result reached the full subscription before its alert: the alerts-only one got none.
    expect(data).toEqual([]);

    alertsOnly.emit('unsubscribe', { workspace_id: ws, probe_id: 0, alerts_only: true });
    // A socket's messages are handled in order: once a later subscribe is answered, the leave is done.
    await subscribed(alertsOnly, { workspace_id: otherWs, probe_id: 0, alerts_only: true });
    const acked = await owner.http.patch(`/alerts/${alerts[0].alert.id}`, { status: 'acknowledged' });
    expect(acked.status).toBe(200);
    await waitUntil('the acknowledgement on the full subscription', async () => witnessAlerts.some((m) => m.action === 'acknowledged'));
    expect(alerts).toHaveLength(1);
    expect(strangerAlerts).toEqual([]);
  });
});
