import { MAX_RESULTS_PER_POST, type ProbePostOk, type ProbeResult } from '@netwatcher/shared';
import type { Logger } from '../log';
import type { Spool } from '../spool/spool';

/** Where batches go: the Socket.IO connection in production, a fake in tests. */
export interface ResultChannel {
  readonly connected: boolean;
  post(results: ProbeResult[]): void;
}

export interface ResultSenderOptions {
  batchSize?: number;
  /** Batches awaiting an ack at once: enough to keep the pipe busy, few enough to bound re-sends. */
  maxInFlight?: number;
  /** A batch not acked by then is released and sent again (the controller ignores re-delivered ids). */
  ackTimeoutMs?: number;
}

interface Batch {
  ids: Set<string>;
  timer: NodeJS.Timeout;
}

const MAX_REJECT_LOG_LINES = 20;

/**
 * Streams the spool to the controller: oldest first, in batches of at most
 * MAX_RESULTS_PER_POST, a few batches in flight. A result leaves the spool only when an ack
 * names its id (stored, or rejected for good). On every (re)connect all in-flight state is
 * forgotten, so everything unacked is sent again.
 */
export class ResultSender {
  private readonly batches = new Map<number, Batch>();
  private readonly inFlight = new Map<string, number>();
  private nextBatch = 1;
  private pumping = false;
  private pumpAgain = false;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly ackTimeoutMs: number;
  private idleWaiters: (() => void)[] = [];
  private pumpWaiters: (() => void)[] = [];
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly spool: Spool,
    private readonly channel: ResultChannel,
    private readonly log: Logger,
    options: ResultSenderOptions = {},
  ) {
    this.batchSize = Math.min(options.batchSize ?? MAX_RESULTS_PER_POST, MAX_RESULTS_PER_POST);
    this.maxInFlight = options.maxInFlight ?? 3;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** After (re)connecting: whatever was in flight on the old connection is sent again. */
  onConnected(): void {
    this.reset();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.pump();
  }

  onDisconnected(): void {
    this.reset();
  }

  /**
   * The controller refused a post because its write queue is full (`busy`): nothing of it was
   * taken. That post (named by its first result's id) is released and sent again, with
   * everything else, only after the delay the controller asked for. Without an id, everything
   * in flight is released (ids the controller stored meanwhile are acked again, not stored twice).
   */
  onBusy(retryAfterMs: number, resultId?: string): void {
    const no = resultId === undefined ? undefined : this.inFlight.get(resultId);
    if (no === undefined) this.reset();
    else this.releaseBatch(no);
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, retryAfterMs);
    this.retryTimer.unref();
  }

  async onAck(ack: ProbePostOk): Promise<void> {
    const rejected = ack.rejected.filter((r): r is { id: string; error: string } => r.id !== null);
    for (const r of rejected.slice(0, MAX_REJECT_LOG_LINES)) {
      this.log.warn({ result_id: r.id, error: r.error }, 'controller rejected a result; it will not be re-sent');
    }
    if (rejected.length > MAX_REJECT_LOG_LINES) {
      this.log.warn({ more: rejected.length - MAX_REJECT_LOG_LINES }, 'more results rejected');
    }
    const anonymous = ack.rejected.length - rejected.length;
    if (anonymous > 0) this.log.warn({ count: anonymous, error: ack.rejected.find((r) => r.id === null)?.error }, 'controller rejected results without an id');

    const done = [...ack.ids, ...rejected.map((r) => r.id)];
    try {
      await this.spool.ack(done);
    } catch (e) {
      // Not fatal: the ids stay in the spool and are re-sent; the controller acks them again.
      this.log.error({ err: e }, 'could not record acks in the spool');
    }
    for (const id of done) this.release(id);
    this.pump();
  }

  /** Sends what is pending, up to the in-flight limit. Safe to call often; runs are coalesced. */
  pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((e: unknown) => this.log.error({ err: e }, 'reading the spool failed'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        } else {
          this.notifyPumped();
          this.notifyIdle();
        }
      });
  }

  /** Resolves once the spool has been read and everything the in-flight limit allows is posted. */
  whenPumped(): Promise<void> {
    if (!this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.pumpWaiters.push(resolve));
  }

  /** Resolves when nothing is in flight (all acked) or after `timeoutMs`; true if idle. */
  waitIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0 && !this.pumping) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  private async fill(): Promise<void> {
    while (this.channel.connected && !this.retryTimer && this.batches.size < this.maxInFlight) {
      const exclude = new Set(this.inFlight.keys());
      const batch = await this.spool.readPending(this.batchSize, exclude);
      if (batch.length === 0 || !this.channel.connected) return;
      const no = this.nextBatch++;
      const ids = new Set(batch.map((r) => r.id));
      const timer = setTimeout(() => this.expire(no), this.ackTimeoutMs);
      timer.unref();
      this.batches.set(no, { ids, timer });
      for (const id of ids) this.inFlight.set(id, no);
      this.channel.post(batch);
      this.log.debug({ batch: no, results: batch.length }, 'results sent');
    }
  }

  private expire(no: number): void {
    const batch = this.batches.get(no);
    if (!batch) return;
    this.log.warn({ batch: no, unacked: batch.ids.size, after_ms: this.ackTimeoutMs }, 'no ack from the controller; will send again');
    this.releaseBatch(no);
    this.pump();
  }

  /** Forgets that a batch is in flight, so its results are read from the spool and sent again. */
  private releaseBatch(no: number): void {
    const batch = this.batches.get(no);
    if (!batch) return;
    clearTimeout(batch.timer);
    for (const id of batch.ids) this.inFlight.delete(id);
    this.batches.delete(no);
  }

  private release(id: string): void {
    const no = this.inFlight.get(id);
    if (no === undefined) return;
    this.inFlight.delete(id);
    const batch = this.batches.get(no);
    if (!batch) return;
    batch.ids.delete(id);
    if (batch.ids.size === 0) {
      clearTimeout(batch.timer);
      this.batches.delete(no);
    }
  }

  private reset(): void {
    for (const b of this.batches.values()) clearTimeout(b.timer);
    this.batches.clear();
    this.inFlight.clear();
  }

  private notifyPumped(): void {
    const waiters = this.pumpWaiters;
    this.pumpWaiters = [];
    for (const w of waiters) w();
  }

  private notifyIdle(): void {
    if (this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
