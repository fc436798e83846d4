import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { forbiddenAddressReason } from './outbound-address-policy';
import { nextRetryDelayMs } from './retry-schedule';
import { sendWebhook, webhookUrlProblem } from './webhook-sender';
import { signWebhook, verifyWebhook } from './webhook-signature';
import { AlertNotification, headline, renderWebhookBody } from './webhook-templates';

const notification: AlertNotification = {
  event: 'alert.triggered',
  rule: { id: 3, name: 'High Packet Loss' },
  alert: {
    id: 123,
    workspace_id: 1,
    probe_id: 45,
    agent_id: 10,
    probe_type: 'PING',
    probe_name: 'Core Router',
    probe_target: '10.0.0.1',
    agent_name: 'Edge-Node-01',
    metric: 'packet_loss',
    value: 5.2,
    threshold: 1,
    severity: 'critical',
    status: 'active',
    triggered_at: '2026-01-12T20:30:00.000Z',
    resolved_at: null,
  },
};

describe('outbound address policy', () => {
  it.each(['127.0.0.1', '127.8.9.10', '0.0.0.0', '169.254.169.254', '100.100.100.200', '::1', '::', 'fe80::1', 'fd00:ec2::254', '::ffff:127.0.0.1', '224.0.0.1'])(
    'refuses %s',
    (address) => expect(forbiddenAddressReason(address)).toMatch(/not routable/),
  );
  it.each(['192.0.2.10', '10.1.2.3', '192.168.1.1', '2001:db8::1', '8.8.8.8'])('allows %s', (address) =>
    expect(forbiddenAddressReason(address)).toBeNull(),
  );
});

describe('webhook URL check', () => {
  const strict = { allowPrivilegedAddresses: false };
  it('refuses what cannot be a webhook', () => {
    expect(webhookUrlProblem('not a url', strict)).toMatch(/valid URL/);
    expect(webhookUrlProblem('ftp://example.com/x', strict)).toMatch(/http or https/);
    expect(webhookUrlProblem('https://user:pw@example.com/x', strict)).toMatch(/credentials/);
    expect(webhookUrlProblem('http://169.254.169.254/latest/meta-data', strict)).toMatch(/not routable/);
    expect(webhookUrlProblem('http://[::1]:8080/', strict)).toMatch(/not routable/);
    expect(webhookUrlProblem('http://localhost:9/', strict)).toMatch(/localhost/);
    expect(webhookUrlProblem('https://hooks.example.com/alert', strict)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9/', { allowPrivilegedAddresses: true })).toBeNull();
  });
});

describe('webhook signature', () => {
  it('verifies what was signed, within the tolerance, and nothing else', () => {
    const body = JSON.stringify(notification);
    const signature = signWebhook('s3cret', 1_700_000_000, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const header = { signature, timestamp: '1700000000' };
    expect(verifyWebhook('s3cret', header, body, 1_700_000_100)).toBe(true);
    expect(verifyWebhook('s3cret', header, body + ' ', 1_700_000_100)).toBe(false);
    expect(verifyWebhook('other', header, body, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('s3cret', { ...header, timestamp: '1700000001' }, body, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('s3cret', header, body, 1_700_000_000 + 301)).toBe(false);
  });
});

describe('retry schedule', () => {
  it('doubles from 30 s, caps at an hour, and ends after the last attempt', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => nextRetryDelayMs(n));
    expect(delays).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, null]);
    expect(nextRetryDelayMs(12, { maxAttempts: 20, baseDelayMs: 30_000, maxDelayMs: 3_600_000 })).toBe(3_600_000);
  });
});

describe('webhook templates', () => {
  it('says what happened in one line', () => {
    expect(headline(notification)).toBe(
      '[FIRING] critical: High Packet Loss — packet_loss 5.20 (threshold 1) on Edge-Node-01 → 10.0.0.1',
    );
  });
  it('renders each chat format with the headline and the alert figures', () => {
    expect(renderWebhookBody('json', notification)).toEqual(notification);
    const slack = renderWebhookBody('slack', notification) as { text: string; attachments: { color: string }[] };
    expect(slack.text).toContain('[FIRING]');
    expect(slack.attachments[0].color).toBe('#d32f2f');
    const discord = renderWebhookBody('discord', { ...notification, event: 'alert.resolved' }) as {
      content: string;
      embeds: { color: number }[];
    };
    expect(discord.content).toContain('[RESOLVED]');
    expect(discord.embeds[0].color).toBe(0x2e7d32);
    const teams = renderWebhookBody('teams', notification) as { '@type': string; sections: { facts: { name: string; value: string }[] }[] };
    expect(teams['@type']).toBe('MessageCard');
    expect(teams.sections[0].facts).toContainEqual({ name: 'Threshold', value: '1' });
  });
});

describe('sendWebhook against a local receiver', () => {
  let server: Server;
  let port: number;
  let nextStatus = 200;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        if (nextStatus === 302) res.writeHead(302, { location: 'http://169.254.169.254/' });
        else res.writeHead(nextStatus);
        res.end('internal secret page');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    nextStatus = 200;
  });

  const body = JSON.stringify(notification);
  const allow = { allowPrivilegedAddresses: true, timeoutMs: 2000 };
  const strict = { allowPrivilegedAddresses: false, timeoutMs: 2000 };

  it('delivers body and headers when loopback is allowed', async () => {
    const outcome = await sendWebhook({ url: `http://127.0.0.1:${port}/hook`, body, headers: { 'x-signature': 'sha256=ab' } }, allow);
    expect(outcome).toEqual({ ok: true, status: 200 });
    expect(received).toHaveLength(1);
    expect(received[0].body).toBe(body);
    expect(received[0].headers['x-signature']).toBe('sha256=ab');
  });

  it('refuses loopback by default, by literal address and through a name that resolves to it, without connecting', async () => {
    const literal = await sendWebhook({ url: `http://127.0.0.1:${port}/hook`, body, headers: {} }, strict);
    expect(literal).toMatchObject({ ok: false, status: null });
    const viaName = await sendWebhook({ url: `http://localhost.:${port}/hook`, body, headers: {} }, strict);
    expect(viaName).toMatchObject({ ok: false, status: null });
    // A name whose DNS answer is loopback (rebinding): refused inside the connection's own lookup.
    const rebinding = ((_host: string, _opts: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof import('node:dns').lookup;
    const viaDns = await sendWebhook({ url: `http://hooks.rebind.test:${port}/hook`, body, headers: {} }, { ...strict, resolve: rebinding });
    expect(viaDns).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/not routable/) });
    const allowed = await sendWebhook({ url: `http://hooks.rebind.test:${port}/hook`, body, headers: {} }, { ...allow, resolve: rebinding });
    expect(allowed).toEqual({ ok: true, status: 200 });
    expect(received).toHaveLength(1);
    received.length = 0;
    expect(received).toHaveLength(0);
  });

  it('reports a failing receiver by status and never reflects its body', async () => {
    nextStatus = 500;
    const outcome = await sendWebhook({ url: `http://127.0.0.1:${port}/hook`, body, headers: {} }, allow);
    expect(outcome).toEqual({ ok: false, status: 500, error: 'receiver answered 500' });
    expect(JSON.stringify(outcome)).not.toContain('internal secret page');
  });

  it('does not follow a redirect', async () => {
    nextStatus = 302;
    const outcome = await sendWebhook({ url: `http://127.0.0.1:${port}/hook`, body, headers: {} }, allow);
    expect(outcome).toEqual({ ok: false, status: 302, error: 'redirect (302) not followed' });
    expect(received).toHaveLength(1);
  });
});
