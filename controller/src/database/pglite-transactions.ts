import { EventEmitter } from 'node:events';

/**
 * PGlite is ONE Postgres session, and typeorm-pglite hands that same session to every TypeORM
 * connection. Two concurrent transactions therefore run interleaved inside one session: the
 * second BEGIN is ignored, `SELECT … FOR UPDATE` locks nothing, and one transaction's
 * COMMIT/ROLLBACK ends the other's half-done work. This wrapper gives each TypeORM connection
 * its own client and admits one transaction at a time: another connection's BEGIN waits until
 * the open transaction commits or rolls back. Statements outside a transaction still run at once,
 * as before (so a query issued on the global repository from inside a transaction cannot hang).
 *
 * A transaction that waits longer than `waitMs` fails loudly instead of hanging: the usual cause is
 * opening a second transaction while awaiting inside the first (a repository used instead of the
 * transaction's EntityManager), which deadlocks on a single session.
 */

type QueryCallback = (err: Error | null, result?: unknown) => void;
type ConnectCallback = (err: Error | null, client: unknown, done: (err?: Error) => void) => void;

interface PoolLike extends EventEmitter {
  connect(cb: ConnectCallback): unknown;
  query(sql: string, params?: unknown, cb?: QueryCallback): Promise<unknown>;
  end(cb: (err: Error | null) => void): void;
}

type PoolClass = new (...args: unknown[]) => PoolLike;

const BEGIN = /^\s*(START\s+TRANSACTION|BEGIN)\b/i;
/** Only a whole-transaction end; `ROLLBACK TO SAVEPOINT` keeps the transaction open. */
const END = /^\s*(COMMIT|END|ROLLBACK)\s*;?\s*$/i;

/** FIFO mutex: the one open transaction, and the queue of those waiting to begin. */
export class TransactionGate {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly waitMs: number) {}

  async acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const admit = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(admit), 1);
        reject(
          new Error(
            `PGlite: a transaction waited ${this.waitMs} ms for another to finish ` +
              '(is a transaction opened while awaiting inside another one?)',
          ),
        );
      }, this.waitMs);
      this.waiting.push(admit);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

/** What TypeORM sees as one connection: the shared session plus "am I the open transaction?". */
class SessionClient extends EventEmitter {
  private inTransaction = false;

  constructor(
    private readonly session: PoolLike,
    private readonly gate: TransactionGate,
  ) {
    super();
  }

  async query(sql: string, params?: unknown, cb?: QueryCallback): Promise<unknown> {
    if (typeof params === 'function') return this.query(sql, undefined, params as QueryCallback);
    try {
      const result = await this.run(sql, params);
      cb?.(null, result);
      return result;
    } catch (err) {
      if (!cb) throw err;
      cb(err as Error);
      return undefined;
    }
  }

  /** Called when TypeORM releases the connection; a transaction left open is rolled back first. */
  async done(): Promise<void> {
    if (!this.inTransaction) return;
    await this.session.query('ROLLBACK').catch(() => undefined);
    this.leave();
  }

  private async run(sql: string, params: unknown): Promise<unknown> {
    if (!this.inTransaction && BEGIN.test(sql)) {
      await this.gate.acquire();
      this.inTransaction = true;
    }
    try {
      return await this.session.query(sql, params);
    } finally {
      // A failed COMMIT still ends the transaction in Postgres, so the gate opens either way.
      if (this.inTransaction && END.test(sql)) this.leave();
    }
  }

  private leave(): void {
    this.inTransaction = false;
    this.gate.release();
  }
}

/** Wraps typeorm-pglite's `driver` (an object with a `Pool` class) as described above. */
export function withTransactionGate<T extends { Pool: unknown }>(driver: T, waitMs = 30_000): T {
  const Base = driver.Pool as PoolClass;
  class GatedPool extends Base {
    private readonly gate = new TransactionGate(waitMs);

    override connect(cb: ConnectCallback): unknown {
      return super.connect((err, session, done) => {
        if (err) return cb(err, session, done);
        const client = new SessionClient(session as PoolLike, this.gate);
        cb(null, client, (releaseErr?: Error) => {
          void client.done().finally(() => done(releaseErr));
        });
      });
    }
  }
  return { ...driver, Pool: GatedPool };
}
