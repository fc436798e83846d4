import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@netwatcher/shared/testing';
import { SpeedtestService } from '../src/speedtest/speedtest.service';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { requireBuild, RunningProcess, startAgentProcess } from './support/processes';
import { startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

/**
 * The speed-test endpoints (controller/src/speedtest) over real HTTP: who may use them, the size
 * and stream limits, and a SPEEDTEST result from a real agent process stored with its typed
 * columns and charted.
 */
const MAX_BYTES = 1_048_576;
const MAX_STREAMS = 2;
const BURST = 20;

interface Credentials {
  workspaceId: number;
  agentId: number;
  psk: string;
}

const pskHeaders = (c: Credentials): Record<string, string> => ({
  'X-Workspace-ID': String(c.workspaceId),
  'X-Agent-ID': String(c.agentId),
  'X-Agent-PSK': c.psk,
});

describe('speed-test endpoints', () => {
  let t: TestApp;
  let http: Http;
  let owner: TestUser;
  let ws: number;
  let agent: Credentials;

  async function enrolled(): Promise<Credentials> {
    const { agent: created, pin } = await createAgent(owner, ws);
    return { workspaceId: ws, agentId: created.id, psk: await enroll(http, ws, created.id, pin) };
  }

  const upload = (c: Credentials | null, body: string, headers: Record<string, string> = {}) =>
    http.request('POST', '/agent/api/speedtest/upload', body, { ...(c ? pskHeaders(c) : {}), 'content-type': 'application/octet-stream', ...headers });

  beforeAll(async () => {
    t = await startTestApp('postgres', {
      SPEEDTEST_MAX_BYTES: String(MAX_BYTES),
      SPEEDTEST_MAX_CONCURRENT_STREAMS: String(MAX_STREAMS),
      SPEEDTEST_RATE_LIMIT_PER_MINUTE: '60',
      SPEEDTEST_RATE_LIMIT_BURST: String(BURST),
    });
    http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner)).id;
    agent = await enrolled();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses callers without the agent PSK headers, or with a wrong PSK, with 401', async () => {
    expectError(await http.get('/agent/api/speedtest/download?bytes=10'), 401, 'agent_auth_required');
    expectError(await upload(null, 'abc'), 401, 'agent_auth_required');
    const wrong = { ...agent, psk: `${agent.psk.slice(0, -1)}${agent.psk.endsWith('A') ? 'B' : 'A'}` };
    expect((await http.get('/agent/api/speedtest/download?bytes=10', pskHeaders(wrong))).status).toBe(401);
    expect((await upload(wrong, 'abc')).status).toBe(401);
    // A user's JWT is no agent credential.
    expect((await owner.http.get('/agent/api/speedtest/download?bytes=10')).status).toBe(401);
  });

  it('sends exactly the bytes asked for, as incompressible binary data', async () => {
    const res = await fetch(`${t.url}/agent/api/speedtest/download?bytes=300000`, { headers: pskHeaders(agent) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-length')).toBe('300000');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(300_000);
    // Random, not a run of one byte: a compressing middlebox could not shrink it.
    expect(new Set(body.subarray(0, 4096)).size).toBeGreaterThan(200);
  });

  it('counts and discards an upload body, and says how much it read', async () => {
    const res = await upload(agent, 'x'.repeat(200_000));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ bytes: 200_000, duration_ms: expect.any(Number) });
  });

  it('refuses an upload the app already parsed as JSON with 415: there is nothing left to count', async () => {
    expectError(await http.post('/agent/api/speedtest/upload', { a: 1 }, pskHeaders(agent)), 415, 'unsupported_media_type', /octet-stream/);
  });

  it('refuses sizes over SPEEDTEST_MAX_BYTES with 413, before moving the data', async () => {
    expectError(await http.get(`/agent/api/speedtest/download?bytes=${MAX_BYTES + 1}`, pskHeaders(agent)), 413, 'speedtest_too_large', new RegExp(`${MAX_BYTES}`));
    // A declared length over the limit is refused from the headers alone: no body is sent here.
    const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${t.url}/agent/api/speedtest/upload`, {
        method: 'POST',
        // A connection of its own: a socket left mid-body by one case must not carry the next.
        agent: false,
        headers: { ...pskHeaders(agent), 'content-type': 'application/octet-stream', 'content-length': String(MAX_BYTES + 1) },
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ code: 'speedtest_too_large' });
    // A chunked body without a length is cut off once it passes the limit.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}/agent/api/speedtest/upload`, {
        method: 'POST',
        // A connection of its own: a socket left mid-body by one case must not carry the next.
        agent: false,
        headers: { ...pskHeaders(agent), 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
      const block = Buffer.alloc(64 * 1024, 1);
      let sent = 0;
      const pump = (): void => {
        while (sent <= MAX_BYTES + block.length && !req.destroyed) {
          sent += block.length;
          if (!req.write(block)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(chunked).toBe(413);
  });

  it('refuses a missing or malformed size with 400', async () => {
    for (const q of ['', '?bytes=0', '?bytes=-5', '?bytes=abc', '?bytes=1.5']) {
      expectError(await http.get(`/agent/api/speedtest/download${q}`, pskHeaders(agent)), 400, 'validation_failed', /bytes/);
    }
  });

  it('allows SPEEDTEST_MAX_CONCURRENT_STREAMS streams per agent at once (429 beyond), and frees them when a client goes away', async () => {
    const streamer = await enrolled();
    const service = t.app.get(SpeedtestService);
    // Uploads whose body never ends: each holds a stream slot until the client goes away.
    const held = Array.from({ length: MAX_STREAMS }, () => {
      const req = request(`${t.url}/agent/api/speedtest/upload`, {
        method: 'POST',
        // A connection of its own: a socket left mid-body by one case must not carry the next.
        agent: false,
        headers: { ...pskHeaders(streamer), 'content-type': 'application/octet-stream', 'content-length': '1000' },
      });
      req.on('error', () => undefined);
      req.write('x'.repeat(10));
      return req;
    });
    await waitUntil('both streams open', () => service.streamsOf(streamer.agentId) === MAX_STREAMS);
    expectError(await http.get('/agent/api/speedtest/download?bytes=10', pskHeaders(streamer)), 429, 'speedtest_busy', /at most 2/);
    expectError(await upload(streamer, 'abc'), 429, 'speedtest_busy');
    // Another agent is not held back by this one's streams.
    expect((await upload(agent, 'abc')).status).toBe(200);
    for (const req of held) req.destroy();
    await waitUntil('the streams freed', () => service.streamsOf(streamer.agentId) === 0);
    expect((await upload(streamer, 'abc')).status).toBe(200);
  });

  it('rate-limits each agent with its own bucket: 429 with Retry-After past the burst', async () => {
    const busy = await enrolled();
    const statuses: number[] = [];
    for (let i = 0; i < BURST + 3; i++) statuses.push((await http.get('/agent/api/speedtest/download?bytes=1', pskHeaders(busy))).status);
    expect(statuses.slice(0, BURST).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(BURST)).toContain(429);
    const refused = await http.get('/agent/api/speedtest/download?bytes=1', pskHeaders(busy));
    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Its bucket is its own: the other agent still gets through.
    expect((await http.get('/agent/api/speedtest/download?bytes=1', pskHeaders(agent))).status).toBe(200);
  });
});

describe('a SPEEDTEST probe run by a real agent', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let probeId: number;
  let proc: RunningProcess;
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-speedtest-'));
    t = await startTestApp('postgres');
    const http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner)).id;
    const created = await createAgent(owner, ws, { name: 'speedtest-agent' });
    // No targets: against its own controller. A 10 s timeout plans 3.5 s per direction.
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'SPEEDTEST', interval_sec: 300, timeout_sec: 10 });
    expect(probe.status).toBe(201);
    probeId = probe.body.id;
    proc = startAgentProcess({
      controllerUrl: t.url,
      workspaceId: ws,
      agentId: created.agent.id,
      pin: created.pin,
      configFile: join(dir, 'agent.json'),
      dataDir: join(dir, 'spool'),
    });
  });
  afterAll(async () => {
    await proc?.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the result with download_mbps and upload_mbps in their typed columns, and charts them', async () => {
    const found = await waitUntil('a stored SPEEDTEST result', async () => {
      const res = await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${probeId}&type=SPEEDTEST`);
      // data, not total: the list and its count are two queries, and a result may land between them.
      return res.body.data.length >= 1 ? res.body : undefined;
    }, { timeoutMs: 90_000, diag: () => proc.output() });
    const result = found.data[0];
    expect(result.payload.error).toBeUndefined();
    expect(result.target).toBe('');
    expect(result.payload).toMatchObject({ server: `${t.url}/agent/api/speedtest`, streams: 4, duration_ms: 3_500, warmup_ms: 700 });
    expect(result.payload.download_mbps).toBeGreaterThan(1);
    expect(result.payload.upload_mbps).toBeGreaterThan(1);
    expect(result.download_mbps).toBe(result.payload.download_mbps);
    expect(result.upload_mbps).toBe(result.payload.upload_mbps);
    expect(result.rtt_avg_ms).toBe(result.payload.rtt_loaded_avg_ms);
    expect(result.loss_pct).toBeNull();

    const chart = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${probeId}/chart`);
    expect(chart.status).toBe(200);
    expect(chart.body).toMatchObject({ type: 'SPEEDTEST', source: 'raw' });
    const points = chart.body.data.filter((p: { samples: number }) => p.samples > 0);
    expect(points).toHaveLength(1);
    expect(points[0].download_mbps).toBeCloseTo(result.payload.download_mbps, 6);
    expect(points[0].upload_mbps).toBeCloseTo(result.payload.upload_mbps, 6);
  }, 120_000);
});
