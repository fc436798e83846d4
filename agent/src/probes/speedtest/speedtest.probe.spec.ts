import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpeedtestPayload } from '@netwatcher/shared';
import { resolveServer, runSpeedtest, SPEEDTEST_STREAMS } from './speedtest.probe';

const controller = { url: 'http://nw.example:8080', headers: { 'X-Agent-PSK': 'secret' } };

describe('speed-test server resolution', () => {
  it('tests against the agent’s own controller, with its PSK headers, when the probe has no target', () => {
    expect(resolveServer('', controller)).toEqual({ base: 'http://nw.example:8080/agent/api/speedtest', headers: controller.headers });
    expect(resolveServer('', null)).toMatch(/not enrolled/);
  });

  it('gives a bare origin the controller’s path and keeps a URL’s own path as the base', () => {
    expect(resolveServer('https://speed.example/', null)).toEqual({ base: 'https://speed.example/agent/api/speedtest', headers: {} });
    expect(resolveServer('https://speed.example/st/', null)).toEqual({ base: 'https://speed.example/st', headers: {} });
  });

  it('sends the PSK to the agent’s own controller only, never to another server', () => {
    expect(resolveServer('http://nw.example:8080', controller)).toMatchObject({ headers: controller.headers });
    expect(resolveServer('http://nw.example:8081', controller)).toMatchObject({ headers: {} });
    expect(resolveServer('https://nw.example:8080', controller)).toMatchObject({ headers: {} });
  });

  it('refuses what is not an http(s) URL', () => {
    expect(resolveServer('ftp://speed.example', controller)).toMatch(/not an http\(s\) URL/);
    expect(resolveServer('speed.example', controller)).toMatch(/not a URL/);
  });
});

/** A minimal server speaking the endpoints, on loopback: what the runner does with real sockets. */
function speedServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string; uploaded: () => number }> {
  let uploaded = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST') req.on('data', (c: Buffer) => (uploaded += c.length));
    answer(req, res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/st`, uploaded: () => uploaded })),
  );
}

const BLOCK = Buffer.alloc(64 << 10, 7);

function serveBytes(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/st/download') {
    let left = Number(url.searchParams.get('bytes'));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(left) });
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, BLOCK.length);
        left -= n;
        if (!res.write(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    res.on('close', () => (left = 0));
  } else if (req.method === 'POST' && url.pathname === '/st/upload') {
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"bytes":0}'));
    req.resume();
  } else {
    res.writeHead(404).end();
  }
}

describe('speed-test run', () => {
  it('measures download and upload over real loopback sockets, with latency, within the timeout', async () => {
    const { server, base, uploaded } = await speedServer(serveBytes);
    try {
      const started = Date.now();
      const payload = await runSpeedtest(base, 5, null, new AbortController().signal);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(SpeedtestPayload.parse(payload)).toEqual(payload);
      expect(payload).toMatchObject({ server: base, streams: SPEEDTEST_STREAMS, duration_ms: 1_000, warmup_ms: 250 });
      expect(payload.error).toBeUndefined();
      expect(payload.download_mbps).toBeGreaterThan(1);
      expect(payload.upload_mbps).toBeGreaterThan(1);
      expect(payload.download_bytes).toBeGreaterThan(0);
      // Mbit/s is bytes over the measured window, which is shorter than the direction by the warm-up.
      // (the duration is stored in whole milliseconds, hence the 0.2 % allowance)
      const expected = (payload.download_bytes * 8) / (payload.download_duration_ms * 1000);
      expect(Math.abs((payload.download_mbps ?? 0) - expected) / expected).toBeLessThan(0.002);
      expect(payload.download_duration_ms).toBeGreaterThan(500);
      expect(payload.download_duration_ms).toBeLessThan(payload.duration_ms);
      expect(uploaded()).toBeGreaterThanOrEqual(payload.upload_bytes);
      expect(payload.latency_idle_ms).not.toBeNull();
      expect(payload.rtt_loaded_avg_ms).not.toBeNull();
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('reports a refusal as an error with no throughput rather than as a figure', async () => {
    const { server, base } = await speedServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"agent credentials required"}');
    });
    try {
      const payload = await runSpeedtest(base, 5, null, new AbortController().signal);
      expect(payload.download_mbps).toBeNull();
      expect(payload.upload_mbps).toBeNull();
      expect(payload.error).toMatch(/download: HTTP 401 from the speed-test server: agent credentials required/);
      expect(payload.error).toMatch(/upload: HTTP 401/);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });

  it('stops at once when aborted', async () => {
    const { server, base } = await speedServer(serveBytes);
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 300);
      const started = Date.now();
      await runSpeedtest(base, 120, null, ac.signal);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
