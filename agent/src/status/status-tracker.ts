import { join } from 'node:path';
import type { ProbeResult } from '@netwatcher/shared';
import { writeFileAtomic } from '@netwatcher/shared/node';
import type { Logger } from '../log';
import type { Spool } from '../spool/spool';
import { STATUS_FILE, type AgentStatus } from './agent-status';

type Identity = Pick<AgentStatus, 'version' | 'controller' | 'workspace_id' | 'agent_id'>;

/** Writes happen at most this often; `status` is for people, not for polling at 10 Hz. */
const WRITE_EVERY_MS = 1000;

/**
 * Follows the connection, the spool and the results, logs what an operator needs when the
 * controller goes away (offline, how much waits, when it has been re-sent) and keeps
 * `<data-dir>/status.json` current for `netwatcher-agent status`.
 */
export class StatusTracker {
  private readonly status: AgentStatus;
  private readonly path: string;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private offlineSince: number | null = null;
  /** Results waiting when the connection came back: logged once they are all acked. */
  private backlog = 0;

  constructor(
    dataDir: string,
    identity: Identity,
    private readonly spool: Spool,
    private readonly log: Logger,
  ) {
    this.path = join(dataDir, STATUS_FILE);
    const now = new Date().toISOString();
    this.status = {
      pid: process.pid, ...identity, started_at: now, connected: false, since: now,
      spool: { depth: spool.size, oldest_unacked_at: null }, last_results: {}, update: null, written_at: now,
    };
    this.schedule();
  }

  connected(): void {
    const pending = this.spool.size;
    if (this.offlineSince !== null) {
      const offlineS = Math.round((Date.now() - this.offlineSince) / 1000);
      this.log.info({ offline_s: offlineS, spooled: pending }, pending > 0 ? 'back online: re-sending the spooled results' : 'back online');
    } else if (pending > 0) {
      this.log.info({ spooled: pending }, 're-sending results spooled before this start');
    }
    this.backlog = pending;
    this.offlineSince = null;
    this.set({ connected: true, since: new Date().toISOString() });
  }

  disconnected(): void {
    if (this.offlineSince !== null) return;
    this.offlineSince = Date.now();
    this.backlog = 0;
    this.log.warn({ spooled: this.spool.size }, 'offline: results are kept in the spool until the controller is back');
    this.set({ connected: false, since: new Date().toISOString() });
  }

  resultsSpooled(results: readonly ProbeResult[]): void {
    for (const r of results) this.status.last_results[r.type] = { at: r.created_at, probe_id: r.probe_id, target: r.target };
    if (this.offlineSince !== null) this.log.info({ spooled: this.spool.size }, 'offline: results waiting in the spool');
    this.schedule();
  }

  acked(): void {
    if (this.backlog > 0 && this.spool.size === 0) {
      this.log.info({ resent: this.backlog }, 'spooled results re-sent and acknowledged');
      this.backlog = 0;
    }
    this.schedule();
  }

  update(state: string, detail: string): void {
    this.set({ update: { at: new Date().toISOString(), state, detail } });
  }

  /** Writes the final state (e.g. connected: false) at shutdown. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.status.connected = false;
    this.status.since = new Date().toISOString();
    await this.write();
  }

  private set(patch: Partial<AgentStatus>): void {
    Object.assign(this.status, patch);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.write();
    }, WRITE_EVERY_MS);
    this.timer.unref();
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      const oldest = await this.spool.readPending(1).catch(() => []);
      this.status.spool = { depth: this.spool.size, oldest_unacked_at: oldest[0]?.created_at ?? null };
      this.status.written_at = new Date().toISOString();
      await writeFileAtomic(this.path, `${JSON.stringify(this.status, null, 2)}\n`, 0o600).catch((e: unknown) =>
        this.log.warn({ err: e, path: this.path }, 'could not write the status file'),
      );
    });
    return this.writing;
  }
}
