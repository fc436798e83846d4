import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { headerValue, httpRequest } from './http-request';

// A real loopback server: the point is what node:http does with real sockets.
describe('httpRequest', () => {
  let server: Server;
  let url: string;
  let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => handler(req, body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, headers and body; resolves with status, headers and text for any status', async () => {
    let seen: { method?: string; type?: string; length?: string; body: string } = { body: '' };
    handler = (req, body, res) => {
      seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body };
      res.writeHead(429, { 'retry-after': '240', 'content-type': 'application/json' }).end('{"error":"locked"}');
    };
    const body = JSON.stringify({ pin: 'é123' });
    const res = await httpRequest(`${url}/agent`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, timeoutMs: 5000 });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body });
    expect(res.status).toBe(429);
    expect(res.text).toBe('{"error":"locked"}');
    expect(headerValue(res.headers, 'Retry-After')).toBe('240');
    expect(headerValue(res.headers, 'x-missing')).toBeNull();
  });

  it('rejects an answer larger than the cap', async () => {
    handler = (_req, _body, res) => res.end('x'.repeat(10_000));
    await expect(httpRequest(url, { method: 'GET', timeoutMs: 5000, maxBodyBytes: 1000 })).rejects.toThrow('larger than 1000 bytes');
  });

  it('rejects when the server does not answer within the timeout', async () => {
    handler = () => undefined;
    await expect(httpRequest(url, { method: 'GET', timeoutMs: 200 })).rejects.toMatchObject({ name: expect.stringMatching(/AbortError|TimeoutError/) });
  });

  it('rejects when aborted by the caller', async () => {
    handler = () => undefined;
    const stop = new AbortController();
    const pending = httpRequest(url, { method: 'GET', timeoutMs: 5000, signal: stop.signal });
    stop.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps the network error code (nothing listening)', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(httpRequest(`http://127.0.0.1:${port}/`, { method: 'GET', timeoutMs: 5000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
