import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@netwatcher/shared/testing';
import { Client } from 'pg';
import { verifyWebhook } from '../../src/alerts/delivery/webhook-signature';
import { startWebhookReceiver, WebhookReceiver } from '../alerts/receivers';
import { connectSimulatedAgent, pingWithLoss, postResult } from '../alerts/simulated-agent';
import { createWorkspace, registerUser } from '../support/factories';
import { Http } from '../support/http';
import { ControllerProcess, requireBuild, startControllerProcess } from '../support/processes';
import { createTestDatabase } from '../support/test-app';

const SECRET = 'crash-test-webhook-secret';

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

/**
 * The built controller on PostgreSQL dies with SIGKILL while it is sending an alert's webhook
 * (the receiver answered the first attempt 503 and hangs on the second). After a restart the
 * notification is delivered, and the receiver saw exactly as many requests as the outbox
 * recorded attempts: none lost, none sent without being recorded.
 */
describe('alert delivery across a controller crash', () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let sql: Client;
  let receiver: WebhookReceiver;
  let controller: ControllerProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-alert-crash-'));
    database = await createTestDatabase();
    receiver = await startWebhookReceiver();
    env = {
      PORT: '0',
      DATA_DIR: join(dir, 'data'),
      DATABASE_URL: database.url,
      JWT_SECRET: 'alert-crash-test-secret-0123456789',
      ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1',
      ALERT_NOTIFY_RETRY_BASE_MS: '300',
      ALERT_WORKER_INTERVAL_MS: '100',
      // The claim lease follows the send timeout (3 × 2 s + 5 s): a hung send is retried 11 s after its claim.
      ALERT_WEBHOOK_TIMEOUT_MS: '2000',
    };
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
    await sql?.end();
    await receiver?.close();
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function outboxRows(): Promise<OutboxRow[]> {
    const { rows } = await sql.query<OutboxRow>('SELECT id, status, attempts, last_status, last_error FROM notification_outbox ORDER BY id');
    return rows;
  }

  it('delivers after a SIGKILL mid-send, once per recorded attempt', async () => {
    controller = await startControllerProcess(env);
    const http = new Http(controller.url);
    const owner = await registerUser(http, 'owner');
    const ws = (await createWorkspace(owner)).id;
    const agent = await connectSimulatedAgent(controller.url, owner, ws);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'loss before the crash',
      metric: 'packet_loss',
      operator: '>',
      threshold: 5,
      probe_id: agent.probe,
      notify_webhook: true,
      webhook_url: `${receiver.url}/crash`,
      webhook_secret: SECRET,
    });
    expect(rule.status).toBe(201);

    // Down at first, then hanging: the second attempt is in flight when the controller dies.
    receiver.script.push(503, 'hold');
    const ack = await postResult(agent.socket, pingWithLoss(agent.probe, 100, new Date()));
    expect(ack.rejected).toEqual([]);
    await waitUntil('the second attempt to reach the receiver', async () => receiver.received.length >= 2, { timeoutMs: 15_000, everyMs: 10 });
    expect(await controller.stop('SIGKILL')).toBeNull();
    controller = undefined;
    agent.socket.disconnect();

    // The dead process recorded both claims; only the first one's failure got written back.
    const [beforeRestart] = await outboxRows();
    expect(beforeRestart).toMatchObject({ status: 'pending', attempts: 2, last_status: 503, last_error: 'receiver answered 503' });

    controller = await startControllerProcess(env);
    const sent = await waitUntil(
      'the notification to be sent after the restart',
      async () => {
        const rows = await outboxRows();
        return rows[0]?.status === 'sent' ? rows : undefined;
      },
      { timeoutMs: 45_000, everyMs: 200 },
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: beforeRestart.id, attempts: 3, last_status: 200, last_error: null });
    // One request per recorded attempt, all the same delivery, each signed.
    expect(receiver.received).toHaveLength(sent[0].attempts);
    const now = Math.floor(Date.now() / 1000);
    for (const hook of receiver.received) {
      expect(hook.path).toBe('/crash');
      expect(hook.headers['x-netwatcher-delivery']).toBe(String(beforeRestart.id));
      const headers = { signature: String(hook.headers['x-signature']), timestamp: String(hook.headers['x-timestamp']) };
      expect(verifyWebhook(SECRET, headers, hook.body, now)).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({ event: 'alert.triggered', rule: { id: rule.body.id }, alert: { value: 100, status: 'active' } });
    }
    // The restart fired nothing again: one alert, one notification.
    const { rows: alerts } = await sql.query('SELECT status FROM alerts');
    expect(alerts).toEqual([{ status: 'active' }]);
  }, 150_000);
});
