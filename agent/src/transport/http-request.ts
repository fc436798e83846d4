import { request as plainRequest, type IncomingHttpHeaders } from 'node:http';
import { request as tlsRequest } from 'node:https';

export interface HttpRequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Hard limit for connecting, sending and reading the whole answer. */
  timeoutMs: number;
  /** Aborting (agent shutdown) ends the request the same way the timeout does. */
  signal?: AbortSignal;
  /** Answers longer than this fail: the agent only ever reads small JSON documents. */
  maxBodyBytes?: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const DEFAULT_MAX_BODY = 64 * 1024;

/**
 * One HTTP(S) request through node:http, the agent's only use of plain HTTP (enrollment and
 * whoami). Not `fetch()`: the first call loads undici and compiles its WebAssembly HTTP parser,
 * which kept ~10 MB of the agent's RSS for good and added a ~20 MB spike while V8 optimised the
 * parser (BENCHMARKS.md, agent RSS). node:http is already loaded by the Socket.IO client.
 *
 * Rejects on network failures (the error keeps its `code`, e.g. ECONNREFUSED), on timeout or
 * abort (an AbortError) and on an oversized answer; any HTTP status resolves.
 */
export function httpRequest(url: string, options: HttpRequestOptions): Promise<HttpAnswer> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? tlsRequest : plainRequest;
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]) : AbortSignal.timeout(options.timeoutMs);
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const headers = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));

  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(target, { method: options.method, headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          // Settle first: once the answer has started, destroying it may still end it 'normally'.
          reject(new Error(`answer larger than ${maxBytes} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A header's single value (node:http gives arrays for repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | null {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}
