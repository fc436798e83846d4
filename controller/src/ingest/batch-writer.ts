import type { ProbeResultRow } from './probe-result.row';

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
}

const DEFAULTS: BatchWriterOptions = { maxRowsPerInsert: 20_000, recentIdCapacity: 200_000 };

/**
 * Turns many small writes (one per agent message) into few large inserts without adding
 * latency: a flush starts as soon as nothing else is flushing, and everything that arrives
 * meanwhile forms the next batch. Flushes are serialized, which is also what makes the
 * de-duplication sound: an id is checked only after every earlier write has landed.
 */
export class BatchWriter {
  private readonly options: BatchWriterOptions;
  private queue: PendingWrite[] = [];
  private flushing = false;
  private readonly recentIds = new Set<string>();

  constructor(
    private readonly sink: ResultSink,
    options: Partial<BatchWriterOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  write(rows: ProbeResultRow[]): Promise<WriteOutcome> {
    if (rows.length === 0) return Promise.resolve({ inserted: [], duplicates: [] });
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      void this.drain();
    });
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

  private takeBatch(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    let rows = 0;
    while (this.queue.length > 0 && (batch.length === 0 || rows + this.queue[0].rows.length <= this.options.maxRowsPerInsert)) {
      const next = this.queue.shift() as PendingWrite;
      rows += next.rows.length;
      batch.push(next);
    }
    return batch;
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
      const stored = await this.sink.existingIds(candidates);
      const fresh = candidates.filter((r) => !stored.has(r.id));
      await this.sink.insert(fresh);
      const freshIds = new Set(fresh.map((r) => r.id));
      this.remember(candidates.map((r) => r.id));
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
      for (const write of batch) write.reject(error);
    }
  }

  private remember(ids: string[]): void {
    for (const id of ids) this.recentIds.add(id);
    // Sets iterate in insertion order, so the oldest ids go first.
    const excess = this.recentIds.size - this.options.recentIdCapacity;
    if (excess <= 0) return;
    let dropped = 0;
    for (const id of this.recentIds) {
      if (dropped++ >= excess) break;
      this.recentIds.delete(id);
    }
  }
}
