import { Stats, unwatchFile, watchFile } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Logger } from '@nestjs/common';

/**
 * A value loaded from a file on first use and reloaded when the file changes on disk, so an
 * operator can drop in a new database without restarting. A replacement that fails to load
 * (half-copied, wrong format) is logged and the previous value keeps serving.
 */
export class WatchedFile<T> {
  private readonly logger = new Logger('WatchedFile');
  private current?: { value: T; version: string };
  private loading?: Promise<void>;
  private failure?: Error;
  private attempted = false;
  private watching = false;
  private closed = false;

  constructor(
    readonly path: string,
    private readonly load: (path: string) => Promise<T>,
    private readonly intervalMs: number,
  ) {}

  /**
   * The loaded value (loading it the first time), or undefined when the file cannot be loaded.
   * A failed first load is retried when the file changes, not on every call.
   */
  async get(): Promise<T | undefined> {
    if (!this.attempted && !this.closed) {
      this.attempted = true;
      this.loading = this.reload().finally(() => (this.loading = undefined));
    }
    if (this.loading) await this.loading;
    this.watch();
    return this.current?.value;
  }

  /** Changes whenever a different file content is loaded (mtime and size of what was read). */
  get version(): string {
    return this.current?.version ?? 'none';
  }

  get error(): string | undefined {
    return this.current ? undefined : this.failure?.message;
  }

  close(): void {
    this.closed = true;
    if (this.watching) unwatchFile(this.path);
    this.watching = false;
  }

  private watch(): void {
    if (this.watching || this.closed) return;
    this.watching = true;
    // Polling stat rather than fs.watch: it sees a file replaced by rename (new inode), which
    // is how databases should be installed, and works on every filesystem.
    watchFile(this.path, { persistent: false, interval: this.intervalMs }, (curr: Stats, prev: Stats) => {
      if (curr.nlink === 0 && curr.mtimeMs === 0) return; // removed: keep serving the old copy
      if (curr.mtimeMs === prev.mtimeMs && curr.size === prev.size && curr.ino === prev.ino) return;
      if (this.loading) return; // the next poll sees the change again if this load misses it
      this.loading = this.reload().finally(() => (this.loading = undefined));
    });
  }

  private async reload(): Promise<void> {
    try {
      const before = await stat(this.path);
      const value = await this.load(this.path);
      const version = `${before.mtimeMs}:${before.size}:${before.ino}`;
      const replaced = this.current !== undefined;
      this.current = { value, version };
      this.failure = undefined;
      this.logger.log({ path: this.path }, replaced ? 'database reloaded after a change on disk' : 'database loaded');
    } catch (e) {
      this.failure = e as Error;
      this.logger.warn(
        { path: this.path, err: (e as Error).message },
        this.current ? 'reload failed; keeping the previous copy' : 'database could not be loaded',
      );
    }
  }
}
