import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProbeResult } from '@netwatcher/shared';
import { commitTempFile, syncDir } from '@netwatcher/shared/node';
import type { Logger } from '../log';
import { acquireSpoolLock } from './spool-lock';

/**
 * On-disk spool of results not yet acked by the controller.
 *
 * Format: `results.jsonl`, an append-only log, one JSON record per line:
 *   {"op":"add","r":<ProbeResult>}      a result waiting for an ack
 *   {"op":"ack","ids":["<uuid>",...]}   results the controller stored (or rejected for good)
 *   {"op":"drop","ids":["<uuid>",...]}  oldest results dropped because the spool was full
 * Appends are fsync'd per batch, so a result the scheduler handed over survives a crash or a
 * power cut. On start the log is replayed (a torn last line from a crash is cut off); when
 * removed records dominate, the log is rewritten with the live records only (temp file, fsync,
 * rename). Only byte offsets are kept in memory, so 100,000 spooled results cost a few MB.
 */
export const SPOOL_FILE = 'results.jsonl';
export const SPOOL_LOCK = 'spool.lock';
export const DEFAULT_SPOOL_MAX = 100_000;

export interface SpoolOptions {
  log: Logger;
  /** Bound on live results; beyond it the oldest are dropped. */
  maxRecords?: number;
  /** Compaction waits for at least this many dead lines (and for them to outnumber live ones). */
  compactMinDead?: number;
}

interface Slot {
  offset: number;
  length: number;
}

type SpoolRecord = { op: 'add'; r: ProbeResult } | { op: 'ack' | 'drop'; ids: string[] };

const READ_CHUNK = 1 << 20;

/** What `open` found on disk and settled on, handed to the constructor in one piece. */
interface SpoolState {
  dir: string;
  fh: FileHandle;
  /** Byte position of each live result's line, by result id. */
  slots: Map<string, Slot>;
  fileSize: number;
  deadLines: number;
  releaseLock: () => Promise<void>;
  log: Logger;
  maxRecords: number;
  compactMinDead: number;
}

export class Spool {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly dir: string;
  private fh: FileHandle;
  private readonly slots: Map<string, Slot>;
  private fileSize: number;
  private deadLines: number;
  private readonly releaseLock: () => Promise<void>;
  private readonly log: Logger;
  private readonly maxRecords: number;
  private readonly compactMinDead: number;

  private constructor(state: SpoolState) {
    this.dir = state.dir;
    this.fh = state.fh;
    this.slots = state.slots;
    this.fileSize = state.fileSize;
    this.deadLines = state.deadLines;
    this.releaseLock = state.releaseLock;
    this.log = state.log;
    this.maxRecords = state.maxRecords;
    this.compactMinDead = state.compactMinDead;
  }

  static async open(dir: string, options: SpoolOptions): Promise<Spool> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const releaseLock = await acquireSpoolLock(join(dir, SPOOL_LOCK));
    try {
      const path = join(dir, SPOOL_FILE);
      const fh = await open(path, 'a+', 0o600);
      const { slots, validEnd, lines, corrupt, torn } = await replay(fh);
      if (torn > 0) {
        // A crash mid-append left a partial line; cut it so the next append starts clean.
        await fh.truncate(validEnd);
        await fh.sync();
      }
      await syncDir(dir);
      if (corrupt > 0 || torn > 0) {
        options.log.warn({ corrupt_lines: corrupt, torn_bytes: torn }, 'spool had damaged records; they were skipped');
      }
      const spool = new Spool({
        dir,
        fh,
        slots,
        fileSize: validEnd,
        deadLines: lines - slots.size,
        releaseLock,
        log: options.log,
        maxRecords: options.maxRecords ?? DEFAULT_SPOOL_MAX,
        compactMinDead: options.compactMinDead ?? 1000,
      });
      if (slots.size > spool.maxRecords) await spool.serial(() => spool.dropOldest(slots.size - spool.maxRecords, 0));
      await spool.serial(() => spool.maybeCompact());
      if (slots.size > 0) options.log.info({ pending: slots.size }, 'spool reopened with unacked results');
      return spool;
    } catch (e) {
      await releaseLock();
      throw e;
    }
  }

  /** Live (unacked) results. */
  get size(): number {
    return this.slots.size;
  }

  /** Durably appends results; when the bound is exceeded the oldest ones are dropped. */
  add(results: readonly ProbeResult[]): Promise<void> {
    if (results.length === 0) return Promise.resolve();
    return this.serial(async () => {
      let fresh = [...results];
      let droppedFresh = 0;
      if (fresh.length > this.maxRecords) {
        droppedFresh = fresh.length - this.maxRecords;
        fresh = fresh.slice(droppedFresh);
      }
      const overflow = Math.max(0, this.slots.size + fresh.length - this.maxRecords);
      const chunks: Buffer[] = [];
      const placed: [string, Slot][] = [];
      let offset = this.fileSize;
      for (const r of fresh) {
        const line = Buffer.from(JSON.stringify({ op: 'add', r } satisfies SpoolRecord) + '\n');
        placed.push([r.id, { offset, length: line.length - 1 }]);
        chunks.push(line);
        offset += line.length;
      }
      await this.append(Buffer.concat(chunks));
      for (const [id, slot] of placed) {
        if (this.slots.has(id)) this.deadLines++;
        this.slots.delete(id); // keep insertion order = age order
        this.slots.set(id, slot);
      }
      if (overflow > 0 || droppedFresh > 0) await this.dropOldest(overflow, droppedFresh);
    });
  }

  /** Forgets results the controller stored or rejected for good. Unknown ids are ignored. */
  ack(ids: readonly string[]): Promise<number> {
    return this.serial(async () => {
      const known = ids.filter((id) => this.slots.has(id));
      if (known.length === 0) return 0;
      await this.append(Buffer.from(JSON.stringify({ op: 'ack', ids: known } satisfies SpoolRecord) + '\n'));
      for (const id of known) this.slots.delete(id);
      this.deadLines += known.length + 1;
      await this.maybeCompact();
      return known.length;
    });
  }

  /**
   * Oldest unacked results first, skipping those already in flight. Records that sit next to
   * each other in the log (the usual case) are read with one read call. A record that no
   * longer parses (disk damage) is dropped with a warning rather than blocking the queue.
   */
  readPending(limit: number, exclude: ReadonlySet<string> = new Set()): Promise<ProbeResult[]> {
    return this.serial(async () => {
      const picked: [string, Slot][] = [];
      for (const entry of this.slots) {
        if (picked.length >= limit) break;
        if (!exclude.has(entry[0])) picked.push(entry);
      }
      const out: ProbeResult[] = [];
      const damaged: string[] = [];
      for (let i = 0; i < picked.length; ) {
        let j = i + 1;
        while (j < picked.length && picked[j][1].offset === picked[j - 1][1].offset + picked[j - 1][1].length + 1) j++;
        const start = picked[i][1].offset;
        const end = picked[j - 1][1].offset + picked[j - 1][1].length;
        const buf = Buffer.alloc(end - start);
        await this.fh.read(buf, 0, buf.length, start);
        for (let k = i; k < j; k++) {
          const [id, slot] = picked[k];
          try {
            const rec = JSON.parse(buf.toString('utf8', slot.offset - start, slot.offset - start + slot.length)) as { r?: ProbeResult };
            if (rec.r?.id !== id) throw new Error('id mismatch');
            out.push(rec.r);
          } catch {
            damaged.push(id);
          }
        }
        i = j;
      }
      if (damaged.length > 0) {
        this.log.warn({ damaged: damaged.length }, 'unreadable spool records dropped');
        await this.append(Buffer.from(JSON.stringify({ op: 'drop', ids: damaged } satisfies SpoolRecord) + '\n'));
        for (const id of damaged) this.slots.delete(id);
        this.deadLines += damaged.length + 1;
      }
      return out;
    });
  }

  /** Waits for pending writes, syncs and releases the directory. Idempotent. */
  close(): Promise<void> {
    if (this.closed) return this.tail.then(() => undefined);
    this.closed = true;
    return this.serial(async () => {
      await this.fh.sync();
      await this.fh.close();
      await this.releaseLock();
    });
  }

  /** All file access goes through one queue: appends, reads and compaction never interleave. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async append(data: Buffer): Promise<void> {
    await this.fh.write(data);
    await this.fh.datasync();
    this.fileSize += data.length;
  }

  /** Drops the `count` oldest live results (plus `alreadyDropped` that never got written) with one log line. */
  private async dropOldest(count: number, alreadyDropped: number): Promise<void> {
    const ids = [...this.slots.keys()].slice(0, count);
    if (ids.length > 0) {
      await this.append(Buffer.from(JSON.stringify({ op: 'drop', ids } satisfies SpoolRecord) + '\n'));
      for (const id of ids) this.slots.delete(id);
      this.deadLines += ids.length + 1;
    }
    this.log.warn(
      { dropped: ids.length + alreadyDropped, max: this.maxRecords },
      'spool full: dropped the oldest unacked results',
    );
    await this.maybeCompact();
  }

  private async maybeCompact(): Promise<void> {
    if (this.deadLines < this.compactMinDead || this.deadLines <= this.slots.size) return;
    const path = join(this.dir, SPOOL_FILE);
    const temp = `${path}.compact.tmp`;
    const out = await open(temp, 'w', 0o600);
    const moved = new Map<string, Slot>();
    let offset = 0;
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for (const [id, slot] of this.slots) {
        const line = Buffer.alloc(slot.length + 1, 0x0a);
        await this.fh.read(line, 0, slot.length, slot.offset);
        moved.set(id, { offset, length: slot.length });
        offset += line.length;
        pending.push(line);
        pendingBytes += line.length;
        if (pendingBytes >= READ_CHUNK) {
          await out.write(Buffer.concat(pending));
          pending = [];
          pendingBytes = 0;
        }
      }
      if (pending.length) await out.write(Buffer.concat(pending));
      await out.sync();
    } finally {
      await out.close();
    }
    await commitTempFile(temp, path);
    await this.fh.close();
    this.fh = await open(path, 'a+', 0o600);
    const removed = this.deadLines;
    this.slots.clear();
    for (const [id, slot] of moved) this.slots.set(id, slot);
    this.fileSize = offset;
    this.deadLines = 0;
    this.log.debug({ live: this.slots.size, removed_lines: removed }, 'spool compacted');
  }
}

/** Rebuilds the live set from the log, streaming it in chunks. */
async function replay(fh: FileHandle): Promise<{ slots: Map<string, Slot>; validEnd: number; lines: number; corrupt: number; torn: number }> {
  const slots = new Map<string, Slot>();
  let lines = 0;
  let corrupt = 0;
  let position = 0;
  let carry = Buffer.alloc(0);
  let carryOffset = 0;
  const buf = Buffer.alloc(READ_CHUNK);
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    const data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : Buffer.from(buf.subarray(0, bytesRead));
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
      const offset = carryOffset + start;
      const length = nl - start;
      lines++;
      try {
        const rec = JSON.parse(data.subarray(start, nl).toString('utf8')) as SpoolRecord;
        if (rec.op === 'add' && typeof rec.r?.id === 'string') {
          if (slots.has(rec.r.id)) slots.delete(rec.r.id);
          slots.set(rec.r.id, { offset, length });
        } else if ((rec.op === 'ack' || rec.op === 'drop') && Array.isArray(rec.ids)) {
          for (const id of rec.ids) slots.delete(id);
        } else {
          corrupt++;
        }
      } catch {
        corrupt++;
      }
      start = nl + 1;
    }
    carry = data.subarray(start);
    carryOffset += start;
  }
  return { slots, validEnd: carryOffset, lines, corrupt, torn: carry.length };
}
