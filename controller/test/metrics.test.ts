import type { ProbePostOk } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { AlertEvaluator } from '../src/alerts/alert-evaluator.service';
import { MetricsListener } from '../src/metrics/metrics-listener';
import { startWebhookReceiver, WebhookReceiver } from './alerts/receivers';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { MetricFamily, parsePrometheusText, sampleValue } from './support/prometheus-text';
import { agentSocket, AgentClient, connectOutcome, nextEvent, panelSocket, PanelClient, pingResult } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

const TOKEN = 'metrics-scrape-token-1234';

async function scrape(http: Http, token = TOKEN): Promise<Map<string, MetricFamily>> {
  const res = await fetch(`${http.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parsePrometheusText(await res.text());
}

describe('/metrics on the API port, behind METRICS_TOKEN', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let ws: number;
  let agentId: number;
  let probeId: number;
  let agent: AgentClient;
  let hooks: WebhookReceiver;
  const sockets: (AgentClient | PanelClient)[] = [];

  /** Posts one message and waits for the ack. */
  async function post(results: unknown): Promise<ProbePostOk> {
    const ack = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
    agent.emit('probe_post', results as never);
    return ack;
  }

  beforeAll(async () => {
    hooks = await startWebhookReceiver();
    t = await startTestApp('postgres', { METRICS_TOKEN: TOKEN, ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1', ALERT_WORKER_INTERVAL_MS: '50' });
    http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws);
    agentId = created.agent.id;
    const psk = await enroll(http, ws, agentId, created.pin);
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, { type: 'PING', targets: ['127.0.0.1'] });
    expect(probe.status).toBe(201);
    probeId = probe.body.id;
    agent = agentSocket(t.url, { workspaceId: ws, agentId, psk });
    sockets.push(agent);
    expect(await connectOutcome(agent)).toBe('connected');
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
    await hooks?.close();
  });

  it('refuses a scrape without the right token, in the documented error shape', async () => {
    const none = await http.get('/metrics');
    expectError(none, 401, 'unauthorized', /metrics token/);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expectError(await http.get('/metrics', { authorization: 'Bearer not-the-token-at-all' }), 401, 'unauthorized');
    // A user's JWT is not a metrics token.
    expectError(await owner.http.get('/metrics'), 401, 'unauthorized');
  });

  it('counts N stored results per type, and refused ones by reason', async () => {
    const before = await scrape(http);
    const stored = [pingResult(probeId), pingResult(probeId), pingResult(probeId)];
    expect((await post(stored)).ids).toHaveLength(3);
    // A re-delivery is acked again but not counted again.
    expect((await post(stored[0])).ids).toEqual([stored[0].id]);
    const mixed = await post([pingResult(probeId + 1000), pingResult(probeId, { created_at: '2020-01-01T00:00:00.000Z' }), { nonsense: true }]);
    expect(mixed.rejected).toHaveLength(3);
    const empty = nextEvent<{ code: string }>(agent, 'error_message');
    agent.emit('probe_post', [] as never);
    expect((await empty).code).toBe('bad_request');

    const delta = (after: Map<string, MetricFamily>, name: string, labels: Record<string, string>): number =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    // results.stored is emitted just after the ack: wait for the counter rather than a fixed time.
    let after = before;
    await waitUntil('the ingested counter', async () => {
      after = await scrape(http);
      return delta(after, 'netwatcher_results_ingested_total', { type: 'PING' }) >= 3;
    });
    expect(delta(after, 'netwatcher_results_ingested_total', { type: 'PING' })).toBe(3);
    expect(delta(after, 'netwatcher_results_ingested_total', { type: 'MTR' })).toBe(0);
    expect(delta(after, 'netwatcher_results_rejected_total', { reason: 'not_owned' })).toBe(1);
    expect(delta(after, 'netwatcher_results_rejected_total', { reason: 'expired' })).toBe(1);
    expect(delta(after, 'netwatcher_results_rejected_total', { reason: 'invalid' })).toBe(1);
    expect(delta(after, 'netwatcher_results_rejected_total', { reason: 'future' })).toBe(0);
    expect(delta(after, 'netwatcher_ingest_posts_refused_total', { reason: 'empty' })).toBe(1);
    expect(delta(after, 'netwatcher_ingest_flush_duration_seconds_count', {})).toBeGreaterThanOrEqual(1);
    expect(sampleValue(after, 'netwatcher_ingest_queued_results')).toBe(0);
    expect(sampleValue(after, 'netwatcher_store_errors_total', { operation: 'ingest_flush' })).toBe(0);
  });

  it('reports agents online and offline and the sockets held, agent and panel', async () => {
    await createAgent(owner, ws); // never connects: offline
    const panel = panelSocket(t.url, owner.token);
    sockets.push(panel);
    expect(await connectOutcome(panel)).toBe('connected');
    let metrics = await scrape(http);
    // Presence is written in one batched update a second after the connect.
    await waitUntil('the connected agent counted online', async () => {
      metrics = await scrape(http);
      return sampleValue(metrics, 'netwatcher_agents', { state: 'online' }) === 1;
    });
    expect(sampleValue(metrics, 'netwatcher_agents', { state: 'offline' })).toBe(1);
    expect(sampleValue(metrics, 'netwatcher_connected_sockets', { namespace: 'agent' })).toBe(1);
    expect(sampleValue(metrics, 'netwatcher_connected_sockets', { namespace: 'panel' })).toBe(1);
    panel.disconnect();
    await waitUntil('the panel socket gone', async () => sampleValue(await scrape(http), 'netwatcher_connected_sockets', { namespace: 'panel' }) === 0);
  });

  it('times HTTP requests by route template and status, never by raw path', async () => {
    expect((await owner.http.get(`/workspaces/${ws}/agents/${agentId}`)).status).toBe(200);
    expect((await owner.http.get(`/workspaces/${ws}/agents/999999`)).status).toBe(404);
    expect((await http.get('/no/such/route')).status).toBe(404);
    const metrics = await scrape(http);
    const name = 'netwatcher_http_request_duration_seconds_count';
    expect(sampleValue(metrics, name, { method: 'GET', route: '/workspaces/:id/agents/:agentID', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, name, { method: 'GET', route: '/workspaces/:id/agents/:agentID', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(metrics, name, { method: 'POST', route: '/auth/register', status: '201' })).toBe(1);
    const routes = metrics.get('netwatcher_http_request_duration_seconds')?.samples.map((s) => s.labels.route) ?? [];
    expect(routes.some((r) => /\/\d/.test(r))).toBe(false);
  });

  it('reports alerts by state and notification outcomes', async () => {
    const before = await scrape(http);
    expect(sampleValue(before, 'netwatcher_alerts', { state: 'active' })).toBe(0);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'loss',
      metric: 'packet_loss',
      operator: '>',
      threshold: 5,
      probe_id: probeId,
      notify_webhook: true,
      webhook_url: `${hooks.url}/hook`,
    });
    expect(rule.status).toBe(201);
    expect((await post(pingResult(probeId))).ids).toHaveLength(1); // 25 % loss
    await t.app.get(AlertEvaluator).idle();
    await waitUntil('the webhook', async () => hooks.received.length >= 1);
    let after = before;
    await waitUntil('the sent notification counted', async () => {
      after = await scrape(http);
      return sampleValue(after, 'netwatcher_notifications_total', { channel: 'webhook', outcome: 'sent' }) === 1;
    });
    expect(sampleValue(after, 'netwatcher_alerts', { state: 'active' })).toBe(1);
    expect(sampleValue(after, 'netwatcher_notifications_total', { channel: 'webhook', outcome: 'dead' })).toBe(0);
  });

  it('carries the process and Node.js runtime metrics', async () => {
    const metrics = await scrape(http);
    expect(metrics.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(sampleValue(metrics, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metrics.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });
});

describe('/metrics on a port of its own (METRICS_PORT)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('pglite', { METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is served only there; the API port answers 404 as for any unknown route', async () => {
    const bound = t.app.get(MetricsListener).address();
    expect(bound?.address).toBe('127.0.0.1');
    const own = new Http(`http://127.0.0.1:${bound?.port}`);
    const res = await fetch(`${own.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(sampleValue(parsePrometheusText(await res.text()), 'netwatcher_agents', { state: 'online' })).toBe(0);
    expectError(await own.get('/healthz'), 404, 'not_found');
    expectError(await new Http(t.url).get('/metrics'), 404, 'not_found');
  });
});

describe('the strict exposition reader used above', () => {
  it('refuses what Prometheus would refuse', () => {
    expect(() => parsePrometheusText('foo 1\n')).toThrow(/no TYPE/);
    expect(() => parsePrometheusText('# TYPE foo gauge\nfoo{a="x} 1\n')).toThrow(/unterminated/);
    expect(() => parsePrometheusText('# TYPE foo gauge\nfoo one\n')).toThrow(/bad sample value/);
    expect(Number.isNaN(sampleValue(parsePrometheusText('# TYPE foo gauge\nfoo Nan\n'), 'foo'))).toBe(true);
    expect(() => parsePrometheusText('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(sampleValue(parsePrometheusText('# TYPE foo gauge\nfoo{a="x\\"y"} 2.5\n'), 'foo', { a: 'x"y' })).toBe(2.5);
  });
});
