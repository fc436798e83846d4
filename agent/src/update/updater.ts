import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { releaseStatement, verifyRelease } from '@netwatcher/shared/node';
import type { Logger } from '../log';
import type { StatusTracker } from '../status/status-tracker';
import { agentHeaders, type AgentCredentials } from '../transport/agent-api';
import { httpRequest } from '../transport/http-request';
import { downloadTo } from './update-download';
import { readUpdateState } from './update-state';
import { isNewer } from './version-compare';

/** A verified binary waiting next to the running one for its trial run. */
export interface PreparedUpdate {
  version: string;
  sha256: string;
  path: string;
}

interface Announcement {
  version: string | null;
  sha256: string | null;
  signature: string | null;
  size: number | null;
  download: string | null;
  reason?: string;
}

export interface UpdaterOptions {
  creds: AgentCredentials;
  currentVersion: string;
  /** The release key pinned at install (config "update_public_key"); null: never update. */
  publicKeyPem: string | null;
  /** The running single executable; null when running as a Node script (nothing to replace). */
  binaryPath: string | null;
  dataDir: string;
  checkEveryMs: number;
  log: Logger;
  status: StatusTracker;
  signal: AbortSignal;
  /** Called once with a verified, runnable binary; the runtime then stops and tries it. */
  onReady: (update: PreparedUpdate) => void;
}

const MAX_BINARY_BYTES = 512 * 1024 * 1024;

/**
 * Self-update, forward only and signed only: asks the controller which release this agent
 * should run (GET /agent/api/update, under the agent's update policy), and for a newer one
 * checks the Ed25519 signature of (version, sha256) against the pinned key, downloads it, checks
 * the SHA-256 of the bytes, and makes sure it runs and reports that version. Every refusal is
 * logged with its reason and shown by `status`; the running binary is untouched until the new
 * one has proven it connects (update-trial.ts).
 */
export class Updater {
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private done = false;
  /** `version sha256` already refused in this process, or failed a trial before. */
  private readonly refused = new Set<string>();
  private loaded = false;
  private saidNotSea = false;

  constructor(private readonly o: UpdaterOptions) {}

  /** Checks shortly after every (re)connect, then every checkEveryMs. */
  onConnected(): void {
    if (this.done) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.checkNow(), 1000);
    this.timer.unref();
  }

  stop(): void {
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async checkNow(): Promise<void> {
    if (this.checking || this.done) return;
    this.checking = true;
    try {
      await this.check();
    } catch (e) {
      this.o.log.warn({ err: (e as Error).message }, 'update check failed; will try again later');
    } finally {
      this.checking = false;
      if (!this.done) {
        this.timer = setTimeout(() => void this.checkNow(), this.o.checkEveryMs);
        this.timer.unref();
      }
    }
  }

  private async check(): Promise<void> {
    const { creds, log } = this.o;
    if (!this.loaded) {
      for (const f of (await readUpdateState(this.o.dataDir)).failed) this.refused.add(f);
      this.loaded = true;
    }
    const res = await httpRequest(`${creds.controller}/agent/api/update`, { method: 'GET', headers: agentHeaders(creds), timeoutMs: 10_000, signal: this.o.signal });
    if (res.status === 404) return; // a controller without self-update
    if (res.status !== 200) throw new Error(`GET /agent/api/update answered HTTP ${res.status}`);
    const a = JSON.parse(res.text) as Announcement;
    if (!a.version) {
      log.debug({ reason: a.reason }, 'no agent update announced');
      return;
    }
    if (!isNewer(a.version, this.o.currentVersion)) return;
    const key = `${a.version} ${a.sha256 ?? ''}`;
    if (this.refused.has(key)) return;
    if (!this.o.binaryPath) {
      if (!this.saidNotSea) log.info({ version: a.version }, 'an agent update is available; this agent runs as a Node script and is updated with its repository');
      this.saidNotSea = true;
      return;
    }
    log.info({ version: a.version, current: this.o.currentVersion }, 'agent update announced; verifying it');
    const refusal = await this.verifyAndFetch(a);
    if (typeof refusal === 'string') {
      this.refused.add(key);
      log.warn({ version: a.version, reason: refusal }, 'agent update refused; staying on the running version');
      this.o.status.update('refused', `${a.version}: ${refusal}`);
      return;
    }
    this.done = true;
    this.o.status.update('verified', `${a.version}: signature and checksum verified; trying it`);
    this.o.onReady(refusal);
  }

  /** The prepared update, or why it was refused. */
  private async verifyAndFetch(a: Announcement): Promise<PreparedUpdate | string> {
    const version = a.version!;
    if (!this.o.publicKeyPem) return 'no release key is pinned in the config ("update_public_key"); reinstall with install.sh to pin one';
    if (!a.sha256 || !/^[0-9a-f]{64}$/.test(a.sha256) || !a.signature || !a.download || !a.download.startsWith('/')) {
      return 'the announcement lacks a sha256, signature or download path';
    }
    // Checked before downloading anything: an announcement the pinned key did not sign is not fetched.
    if (!verifyRelease(this.o.publicKeyPem, releaseStatement(version, a.sha256), a.signature)) {
      return 'the Ed25519 signature does not verify with the pinned release key';
    }
    const path = join(dirname(this.o.binaryPath!), `.netwatcher-agent-${version}.download`);
    let sha: string;
    try {
      sha = await downloadTo(`${this.o.creds.controller}${a.download}`, path, {
        headers: agentHeaders(this.o.creds),
        maxBytes: a.size && a.size > 0 ? Math.min(a.size, MAX_BINARY_BYTES) : MAX_BINARY_BYTES,
        timeoutMs: 10 * 60_000,
        signal: this.o.signal,
      });
    } catch (e) {
      return `download failed: ${(e as Error).message}`;
    }
    if (sha !== a.sha256) {
      await rm(path, { force: true });
      return `the downloaded binary has sha256 ${sha}, the signed release says ${a.sha256}`;
    }
    const reported = await new Promise<string>((resolve) =>
      execFile(path, ['--version'], { timeout: 30_000 }, (err, stdout) => resolve(err ? `error: ${err.message}` : stdout.trim())),
    );
    if (reported !== version) {
      await rm(path, { force: true });
      return `the new binary does not run here or reports another version (${JSON.stringify(reported.slice(0, 200))})`;
    }
    return { version, sha256: sha, path };
  }
}
