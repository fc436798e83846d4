import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { ApiError } from '../common/api-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { SpeedtestUploadView } from './speedtest.view';

/**
 * Random, so nothing on the path (a compressing proxy, a WAN optimiser) can shrink it, and made
 * once: a download sends this block again and again, never holding more than it in memory.
 */
const BLOCK = randomBytes(64 * 1024);

function tooLarge(max: number): ApiError {
  return new ApiError(HttpStatus.PAYLOAD_TOO_LARGE, 'speedtest_too_large', `a speed-test request moves at most ${max} bytes (SPEEDTEST_MAX_BYTES)`);
}

/**
 * Generates downloads and swallows uploads for SPEEDTEST probes, and bounds what one agent may
 * take: a size per request (413) and streams in flight per agent (429). The count of streams is
 * per replica; behind a load balancer an agent's streams may spread over several.
 */
@Injectable()
export class SpeedtestService {
  private readonly inFlight = new Map<number, number>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get maxBytes(): number {
    return this.config.speedtest.maxBytes;
  }

  /** Streams the agent has open now (tests and diagnostics). */
  streamsOf(agentId: number): number {
    return this.inFlight.get(agentId) ?? 0;
  }

  requireSize(bytes: number): void {
    if (bytes > this.maxBytes) throw tooLarge(this.maxBytes);
  }

  /** A slot for one stream of this agent; call the returned function (once or more) to free it. */
  acquire(agentId: number): () => void {
    const max = this.config.speedtest.maxConcurrentStreams;
    const open = this.streamsOf(agentId);
    if (open >= max) {
      throw ApiError.tooManyRequests(`at most ${max} speed-test streams per agent at once (SPEEDTEST_MAX_CONCURRENT_STREAMS)`, 'speedtest_busy');
    }
    this.inFlight.set(agentId, open + 1);
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const left = this.streamsOf(agentId) - 1;
      if (left > 0) this.inFlight.set(agentId, left);
      else this.inFlight.delete(agentId);
    };
  }

  /** Exactly `bytes` bytes, produced as the client reads them (backpressure), never buffered whole. */
  download(bytes: number): Readable {
    let left = bytes;
    return new Readable({
      highWaterMark: BLOCK.length,
      read() {
        while (left > 0) {
          const n = Math.min(left, BLOCK.length);
          left -= n;
          if (!this.push(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) return;
        }
        this.push(null);
      },
    });
  }

  /** A declared Content-Length over the limit is refused before a byte of the body is read. */
  requireDeclaredSize(req: IncomingMessage): void {
    const declared = req.headers['content-length'];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > this.maxBytes) throw tooLarge(this.maxBytes);
  }

  /**
   * Reads the body to its end, counting and discarding it; a body that grows past the limit
   * (chunked, without a length) is refused as soon as it does. A client that goes away mid-body
   * (the agent cuts its streams when its time is up) ends the count: nobody waits for an answer.
   */
  upload(req: IncomingMessage): Promise<SpeedtestUploadView> {
    // The app's JSON and form parsers read those bodies before the handler runs: nothing is left
    // to count, and the time it took is unknown.
    if (req.readableEnded) {
      throw new ApiError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', 'a speed-test upload must be sent as application/octet-stream');
    }
    const started = performance.now();
    const max = this.maxBytes;
    return new Promise((resolve, reject) => {
      let bytes = 0;
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        fn();
      };
      const done = (): void => settle(() => resolve({ bytes, duration_ms: Math.round(performance.now() - started) }));
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > max) {
          req.pause();
          settle(() => reject(tooLarge(max)));
        }
      });
      req.once('end', done);
      req.once('close', done);
      req.once('error', done);
    });
  }
}
