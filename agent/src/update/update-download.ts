import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { request as plainRequest } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

/**
 * Streams a download to `target` (mode 0700) and returns its SHA-256. At most `maxBytes` are
 * taken: an announcement names the size, and a longer body is an error, not a full disk.
 */
export async function downloadTo(
  url: string,
  target: string,
  options: { headers: Record<string, string>; maxBytes: number; timeoutMs: number; signal: AbortSignal },
): Promise<string> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? tlsRequest : plainRequest;
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(u, { method: 'GET', headers: options.headers, signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`download answered HTTP ${res.statusCode ?? '?'}`));
          return;
        }
        const meter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            bytes += chunk.length;
            if (bytes > options.maxBytes) {
              cb(new Error(`download is larger than the announced ${options.maxBytes} bytes`));
              return;
            }
            hash.update(chunk);
            cb(null, chunk);
          },
        });
        pipeline(res, meter, createWriteStream(target, { mode: 0o700 })).then(resolve, reject);
      });
      req.on('error', reject);
      req.end();
    });
  } catch (e) {
    await rm(target, { force: true });
    throw e;
  }
  await chmod(target, 0o755);
  return hash.digest('hex');
}
