import type { ProbeResultRow } from '../probe-results/probe-result.row';
import { toClickHouseTime } from '../timeseries/clickhouse-time';
import { MAX_CLOCK_SKEW_MS } from './result-validation';

export interface ResultSink {
  existingIds(rows: readonly ProbeResultRow[]): Promise<Set<string>>;
  insert(rows: readonly ProbeResultRow[]): Promise<void>;
}

export interface WriteOutcome {
  /** Rows written by this call (new ids): these are fanned out. */
  inserted: ProbeResultRow[];
  /** Ids that were already stored (re-delivery): acked again, not stored or broadcast twice. */
  duplicates: string[];
}

/**
 * What `submit` returns at once: the rows that can be shown live before they are stored, and
 * the outcome of the durable write.
 */
export interface Submission {
  /**
   * Rows that cannot have been stored before and are not already queued (see `mayBeStored`):
   * new for certain, so the live feed may show them without waiting for the write.
   */
  fresh: ProbeResultRow[];
  outcome: Promise<WriteOutcome>;
}

/** The queue is full: nothing of this write was taken; the sender should retry shortly. */
export class WriterBusy extends Error {
  constructor(readonly queuedRows: number) {
    super(`the write queue holds ${queuedRows} results; send again shortly`);
  }
}

interface PendingWrite {
  rows: ProbeResultRow[];
  resolve(outcome: WriteOutcome): void;
  reject(error: unknown): void;
}

export interface BatchWriterOptions {
  /** Upper bound for one INSERT; larger backlogs are written in several. */
  maxRowsPerInsert: number;
  /** How many recently stored ids are remembered to skip the store lookup for hot re-deliveries. */
  recentIdCapacity: number;
  /**
   * Results measured (agent clock, ClickHouse time text) after this moment cannot have been
   * stored by an earlier controller process, so the store is not asked about them. Defaults to
   * start-up plus the clock skew the ingest accepts; `storedUntil` narrows it once the store
   * has said what it holds.
   */
  freshAfter: string;
  /**
   * Rows waiting for a flush, at most. Beyond it writes are refused (WriterBusy) instead of
   * queued, so an overloaded controller keeps flat memory and agents keep their results in
   * their spools until it catches up.
   */
  maxQueuedRows: number;
  /** Told after every successful flush, for logs and metrics. */
  onFlush?: (stats: FlushStats) => void;
  /** Told when a flush failed (its writers are rejected and their agents send again). */
  onFlushError?: (error: unknown) => void;
}

export interface FlushStats {
  writes: number;
  rows: number;
  /** Rows the store was asked about (possible re-deliveries) and how long that took. */
  lookedUp: number;
  lookupMs: number;
  insertMs: number;
}

function defaults(): BatchWriterOptions {
  return {
    maxRowsPerInsert: 20_000,
    recentIdCapacity: 200_000,
    maxQueuedRows: 500_000,
    freshAfter: toClickHouseTime(new Date(Date.now() + MAX_CLOCK_SKEW_MS).toISOString()),
  };
}

/**
 * Turns many small writes (one per agent message) into few large inserts without adding
 * latency: a flush starts as soon as nothing else is flushing, and everything that arrives
 * meanwhile forms the next batch. Flushes are serialized, which is also what makes the
 * de-duplication sound: an id is checked only after every earlier write has landed.
 */
export class BatchWriter {
  private readonly options: BatchWriterOptions;
  private queue: PendingWrite[] = [];
  private queuedRows = 0;
  /** Ids queued or being flushed: a second copy arriving meanwhile is not "fresh". */
  private readonly pendingIds = new Set<string>();
  private flushing = false;
  /** Ids this process stored recently, with their created_at, oldest insertion first. */
  private readonly recentIds = new Map<string, string>();
  /** The newest created_at among ids dropped from recentIds: anything older may be one of them. */
  private newestForgotten = '';
  private freshAfter: string;

  constructor(
    private readonly sink: ResultSink,
    options: Partial<BatchWriterOptions> = {},
  ) {
    this.options = { ...defaults(), ...options };
    this.freshAfter = this.options.freshAfter;
  }

  /**
   * The store's newest created_at when this process started ('' if it was empty): a result
   * measured later cannot be a re-delivery of anything stored before, so it needs no lookup
   * and can be shown live at once. Without this, the default (start-up + 5 min of clock skew)
   * sends every result of a controller's first five minutes through the lookup. Results this
   * process stores are tracked in recentIds, so this may be learned at any time.
   */
  storedUntil(newestCreatedAt: string): void {
    this.freshAfter = newestCreatedAt;
  }

  /**
   * Whether the store must be asked if this id is already there. Not when it cannot be: measured
   * after this process started (skew included, so no earlier process stored it), not in
   * recentIds (so this process did not), and newer than every id recentIds forgot. A re-delivery
   * after a restart or a reconnect always carries an older created_at, so it is always checked.
   * With several replicas the ReplacingMergeTree table remains the safety net.
   */
  private mayBeStored(row: ProbeResultRow): boolean {
    return row.created_at <= this.freshAfter || row.created_at <= this.newestForgotten;
  }

  /** Rows accepted but not yet handed to a flush. */
  get queued(): number {
    return this.queuedRows;
  }

  write(rows: ProbeResultRow[]): Promise<WriteOutcome> {
    return this.submit(rows).outcome;
  }

  /**
   * Throws WriterBusy if the queue is already full. Callers check before validating a post, so
   * refusing one under overload costs next to nothing (submit checks again, exactly).
   */
  assertNotFull(): void {
    if (this.queuedRows >= this.options.maxQueuedRows) throw new WriterBusy(this.queuedRows);
  }

  /** Queues rows for the next flush; throws WriterBusy, synchronously, when the queue is full. */
  submit(rows: ProbeResultRow[]): Submission {
    if (rows.length === 0) return { fresh: [], outcome: Promise.resolve({ inserted: [], duplicates: [] }) };
    if (this.queuedRows > 0 && this.queuedRows + rows.length > this.options.maxQueuedRows) throw new WriterBusy(this.queuedRows);
    const fresh: ProbeResultRow[] = [];
    for (const row of rows) {
      if (this.pendingIds.has(row.id) || this.recentIds.has(row.id)) continue;
      this.pendingIds.add(row.id);
      if (!this.mayBeStored(row)) fresh.push(row);
    }
    this.queuedRows += rows.length;
    const outcome = new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      void this.drain();
    });
    return { fresh, outcome };
  }

  private async drain(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        await this.flush(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * The oldest writes that fit one insert (at least one). One splice, not a shift per write:
   * with thousands of agents the queue holds thousands of small writes, and shifting a large
   * array one element at a time copies it each time.
   */
  private takeBatch(): PendingWrite[] {
    let count = 0;
    let rows = 0;
    while (count < this.queue.length && (count === 0 || rows + this.queue[count].rows.length <= this.options.maxRowsPerInsert)) {
      rows += this.queue[count].rows.length;
      count++;
    }
    this.queuedRows -= rows;
    return this.queue.splice(0, count);
  }

  private async flush(batch: PendingWrite[]): Promise<void> {
    try {
      const seen = new Set<string>();
      const candidates: ProbeResultRow[] = [];
      for (const write of batch) {
        for (const row of write.rows) {
          if (seen.has(row.id) || this.recentIds.has(row.id)) continue;
          seen.add(row.id);
          candidates.push(row);
        }
      }
      const doubtful = candidates.filter((r) => this.mayBeStored(r));
      const started = performance.now();
      const stored = doubtful.length > 0 ? await this.sink.existingIds(doubtful) : new Set<string>();
      const fresh = candidates.filter((r) => !stored.has(r.id));
      const looked = performance.now();
      await this.sink.insert(fresh);
      this.options.onFlush?.({ writes: batch.length, rows: fresh.length, lookedUp: doubtful.length, lookupMs: looked - started, insertMs: performance.now() - looked });
      const freshIds = new Set(fresh.map((r) => r.id));
      this.remember(candidates);
      // Each id is "inserted" for exactly one caller: the first write in this batch that carried it.
      const claimed = new Set<string>();
      for (const write of batch) {
        const inserted: ProbeResultRow[] = [];
        const duplicates: string[] = [];
        for (const row of write.rows) {
          if (freshIds.has(row.id) && !claimed.has(row.id)) {
            claimed.add(row.id);
            inserted.push(row);
          } else {
            duplicates.push(row.id);
          }
        }
        write.resolve({ inserted, duplicates });
      }
    } catch (error) {
      this.options.onFlushError?.(error);
      for (const write of batch) write.reject(error);
    } finally {
      for (const write of batch) for (const row of write.rows) this.pendingIds.delete(row.id);
    }
  }

  private remember(rows: ProbeResultRow[]): void {
    for (const row of rows) this.recentIds.set(row.id, row.created_at);
    // Maps iterate in insertion order, so the oldest ids go first.
    let excess = this.recentIds.size - this.options.recentIdCapacity;
    if (excess <= 0) return;
    for (const [id, createdAt] of this.recentIds) {
      if (excess-- <= 0) break;
      if (createdAt > this.newestForgotten) this.newestForgotten = createdAt;
      this.recentIds.delete(id);
    }
  }
}
