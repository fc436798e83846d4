import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Server as HttpsServer } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { Logger } from '@nestjs/common';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
}

export interface CertificatePair {
  cert: string;
  key: string;
}

/** Reads both files and proves they belong together (throws otherwise). */
export function readCertificatePair(files: CertificateFiles): CertificatePair {
  const pair = { cert: readFileSync(files.certFile, 'utf8'), key: readFileSync(files.keyFile, 'utf8') };
  createSecureContext(pair);
  return pair;
}

/**
 * Serves a renewed certificate without a restart: both files are checked every `intervalMs`
 * (stat polling sees a replacement by rename, as certbot and Caddy-style tools do it, on any
 * filesystem) and, when either changed, the pair is loaded into the running server with
 * `setSecureContext`. New connections get the new certificate; open ones keep theirs. A pair that
 * does not load (half-written, or the key of another certificate while the other file is still
 * on its way) is logged and the previous certificate keeps serving; the next change is tried again.
 */
export class TlsCertificateReloader {
  private readonly logger = new Logger('Tls');
  private timer?: NodeJS.Timeout;
  private seen = '';
  private checking = false;

  constructor(
    private readonly server: Pick<HttpsServer, 'setSecureContext'>,
    private readonly files: CertificateFiles,
    private readonly intervalMs: number,
  ) {}

  async start(): Promise<void> {
    this.seen = await this.version();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const version = await this.version();
      if (version === this.seen) return;
      this.seen = version;
      this.reload();
    } catch (e) {
      // A file missing for a moment (replaced by delete + create): the next poll looks again.
      this.logger.warn({ err: (e as Error).message }, 'TLS certificate files cannot be read; keeping the current certificate');
    } finally {
      this.checking = false;
    }
  }

  private reload(): void {
    let pair: CertificatePair;
    try {
      pair = readCertificatePair(this.files);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, ...this.files }, 'TLS certificate changed but does not load; keeping the current one');
      return;
    }
    this.server.setSecureContext(pair);
    const cert = new X509Certificate(pair.cert);
    this.logger.log({ subject: cert.subject, valid_to: cert.validTo, fingerprint256: cert.fingerprint256 }, 'TLS certificate reloaded');
  }

  /** Changes whenever either file is replaced or rewritten. */
  private async version(): Promise<string> {
    const [cert, key] = await Promise.all([stat(this.files.certFile), stat(this.files.keyFile)]);
    return [cert, key].map((s) => `${s.ino}:${s.mtimeMs}:${s.size}`).join('|');
  }
}
