import { randomBytes } from 'node:crypto';
import { Agent as HttpAgent, request as plainRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as tlsRequest } from 'node:https';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ByteSample } from './speedtest.math';

/** Where the endpoints are, and the headers they need (the PSK headers only toward our controller). */
export interface SpeedtestServer {
  /** Base URL without a trailing slash; `/download` and `/upload` are below it. */
  base: string;
  headers: Record<string, string>;
}

export type Direction = 'download' | 'upload';

export interface DirectionOptions {
  streams: number;
  durationMs: number;
  /** How often the cumulative byte count is sampled. */
  sampleEveryMs?: number;
  /** How often latency is probed with a TCP connect while the load runs. */
  latencyEveryMs?: number;
}

export interface DirectionRun {
  samples: ByteSample[];
  /** TCP connect times taken during the load, in order. */
  latenciesMs: number[];
  /** The first failure of a stream, when no stream moved any byte or a stream gave up. */
  error: string | null;
}

/** The first request of a stream is small so a slow link still finishes one; later ones double. */
const FIRST_CHUNK = 1 << 20;
/** Below the controller's default SPEEDTEST_MAX_BYTES (100 MiB); a 413 halves it for the run. */
const MAX_CHUNK = 64 << 20;
const MIN_CHUNK = 64 << 10;
const CONNECT_TIMEOUT_MS = 2_000;
/** Incompressible (random) and reused: the agent never holds more than this of upload data. */
const UPLOAD_BLOCK = randomBytes(64 << 10);

class HttpStatusError extends Error {
  constructor(readonly status: number, body: string) {
    super(`HTTP ${status} from the speed-test server${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

/** The `{ "error": … }` text of a refusal, or the raw start of whatever else came back. */
function readError(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => {
      if (text.length < 1000) text += c;
    });
    const done = (): void => {
      try {
        const parsed = JSON.parse(text) as { error?: unknown };
        resolve(typeof parsed.error === 'string' ? parsed.error : text);
      } catch {
        resolve(text);
      }
    };
    res.on('end', done);
    res.on('error', done);
    res.on('close', done);
  });
}

/**
 * Settles when the signal fires. The latency loops wait on this one promise rather than handing
 * the signal to every connect and sleep: each of those would add an abort listener of its own.
 */
function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Waits `ms`, or less when `stopped` settles first. */
function sleep(ms: number, stopped: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), stopped]).finally(() => clearTimeout(timer));
}

/**
 * Time to complete a TCP handshake with the server, or null when it did not within 2 s or the
 * run stopped. The kernel answers the SYN, so this is the network path's delay (queues included,
 * which is what "latency under load" is after) and not the controller's event loop.
 */
export function tcpConnectMs(base: string, stopped: Promise<void>): Promise<number | null> {
  const url = new URL(base);
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host, port, timeout: CONNECT_TIMEOUT_MS });
    let done = false;
    const finish = (value: number | null): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(value);
    };
    socket.once('connect', () => finish(performance.now() - started));
    socket.once('timeout', () => finish(null));
    socket.once('error', () => finish(null));
    void stopped.then(() => finish(null));
  });
}

/** TCP connect samples every `everyMs` until the signal ends it. */
async function sampleLatency(base: string, everyMs: number, signal: AbortSignal, into: number[]): Promise<void> {
  const stopped = whenAborted(signal);
  while (!signal.aborted) {
    const ms = await tcpConnectMs(base, stopped);
    if (ms !== null && !signal.aborted) into.push(ms);
    await sleep(everyMs, stopped);
  }
}

/** Idle latency: `count` TCP connects before any load. */
export async function idleLatency(base: string, count: number, signal: AbortSignal): Promise<number[]> {
  const stopped = whenAborted(signal);
  const out: number[] = [];
  for (let i = 0; i < count && !signal.aborted; i++) {
    const ms = await tcpConnectMs(base, stopped);
    if (ms !== null && !signal.aborted) out.push(ms);
    if (i + 1 < count) await sleep(100, stopped);
  }
  return out;
}

interface StreamContext {
  server: SpeedtestServer;
  agent: HttpAgent;
  /** Set when the direction's time is up: in-flight requests are destroyed, none is started. */
  stop: AbortSignal;
  counter: { bytes: number };
  chunk: { max: number };
  active: Set<ClientRequest>;
}

function requestFn(base: string): typeof plainRequest {
  return new URL(base).protocol === 'https:' ? tlsRequest : plainRequest;
}

/** One GET of `size` bytes; resolves when it ended or was cut off by the stop signal. */
function downloadOnce(ctx: StreamContext, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = `${ctx.server.base}/download?bytes=${size}`;
    const req = requestFn(ctx.server.base)(url, { method: 'GET', headers: ctx.server.headers, agent: ctx.agent }, (res) => {
      if (res.statusCode !== 200) {
        void readError(res).then((body) => reject(new HttpStatusError(res.statusCode ?? 0, body)));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        ctx.counter.bytes += chunk.length;
      });
      res.on('end', () => resolve());
      res.on('error', (e) => (ctx.stop.aborted ? resolve() : reject(e)));
      res.on('close', () => resolve());
    });
    ctx.active.add(req);
    req.on('close', () => ctx.active.delete(req));
    req.on('error', (e) => (ctx.stop.aborted ? resolve() : reject(e)));
    req.end();
  });
}

/** One POST of `size` bytes, written as fast as the socket drains; counted as handed to it. */
function uploadOnce(ctx: StreamContext, size: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { ...ctx.server.headers, 'content-type': 'application/octet-stream', 'content-length': String(size) };
    const req = requestFn(ctx.server.base)(`${ctx.server.base}/upload`, { method: 'POST', headers, agent: ctx.agent }, (res) => {
      if (res.statusCode !== 200) {
        void readError(res).then((body) => reject(new HttpStatusError(res.statusCode ?? 0, body)));
        return;
      }
      res.resume();
      res.on('end', () => resolve());
      res.on('close', () => resolve());
    });
    ctx.active.add(req);
    req.on('close', () => ctx.active.delete(req));
    req.on('error', (e) => (ctx.stop.aborted ? resolve() : reject(e)));
    let sent = 0;
    const pump = (): void => {
      while (sent < size && !ctx.stop.aborted && !req.destroyed) {
        const n = Math.min(UPLOAD_BLOCK.length, size - sent);
        sent += n;
        ctx.counter.bytes += n;
        if (!req.write(n === UPLOAD_BLOCK.length ? UPLOAD_BLOCK : UPLOAD_BLOCK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      if (sent >= size) req.end();
    };
    pump();
  });
}

/**
 * One stream: requests one after another until the time is up, each twice the size of the last
 * (a slow link finishes its first one, a fast one is not slowed by many round trips). A 413
 * halves the size for every stream of the run; any other failure ends this stream.
 */
async function runStream(direction: Direction, ctx: StreamContext): Promise<string | null> {
  let size = Math.min(FIRST_CHUNK, ctx.chunk.max);
  while (!ctx.stop.aborted) {
    try {
      await (direction === 'download' ? downloadOnce(ctx, size) : uploadOnce(ctx, size));
      size = Math.min(size * 2, ctx.chunk.max);
    } catch (e) {
      if (ctx.stop.aborted) return null;
      if (e instanceof HttpStatusError && e.status === 413 && size > MIN_CHUNK) {
        ctx.chunk.max = Math.max(MIN_CHUNK, Math.floor(size / 2));
        size = ctx.chunk.max;
        continue;
      }
      return describe(e);
    }
  }
  return null;
}

/**
 * Moves data in one direction with `streams` parallel HTTP requests for `durationMs`, sampling
 * the bytes moved and the TCP connect latency as it goes. Keep-alive is on, with one connection
 * per stream: a stream's next request reuses a connection whose congestion window is already open,
 * so the gaps between requests do not restart TCP slow start inside the measured window.
 */
export async function runDirection(direction: Direction, server: SpeedtestServer, options: DirectionOptions, signal: AbortSignal): Promise<DirectionRun> {
  const sampleEveryMs = options.sampleEveryMs ?? 100;
  const latencyEveryMs = options.latencyEveryMs ?? 250;
  const AgentClass = new URL(server.base).protocol === 'https:' ? HttpsAgent : HttpAgent;
  const agent = new AgentClass({ keepAlive: true, maxSockets: options.streams });
  const stopper = new AbortController();
  const stop = AbortSignal.any([stopper.signal, signal]);
  const ctx: StreamContext = { server, agent, stop, counter: { bytes: 0 }, chunk: { max: MAX_CHUNK }, active: new Set() };
  const samples: ByteSample[] = [];
  const latenciesMs: number[] = [];
  const started = performance.now();
  const sample = (): void => {
    samples.push({ atMs: performance.now() - started, bytes: ctx.counter.bytes });
  };
  sample();
  const sampler = setInterval(sample, sampleEveryMs);
  const timer = setTimeout(() => stopper.abort(), options.durationMs);
  const onStop = (): void => {
    // The sample that closes the window is taken before the in-flight requests are cut off.
    sample();
    clearInterval(sampler);
    for (const req of ctx.active) req.destroy();
  };
  stop.addEventListener('abort', onStop, { once: true });
  const latency = sampleLatency(server.base, latencyEveryMs, stop, latenciesMs);
  const errors = await Promise.all(Array.from({ length: options.streams }, () => runStream(direction, ctx)));
  // Every stream gave up before the time was up: nothing is measuring any more.
  if (!stop.aborted) stopper.abort();
  clearTimeout(timer);
  await latency;
  agent.destroy();
  const failures = errors.filter((e): e is string => e !== null);
  const error = failures.length > 0 ? `${direction}: ${failures[0]}` : null;
  return { samples, latenciesMs, error };
}
