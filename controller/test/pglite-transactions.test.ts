import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as holdOpen } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { withTransactionGate } from '../src/database/pglite-transactions';

/**
 * PGlite is a single Postgres session shared by every TypeORM connection; these tests prove the
 * gate gives concurrent transactions the isolation they have on a real server.
 */
describe('PGlite transaction gate', () => {
  const WAIT_MS = 3000;
  let dir: string;
  let ds: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-pglite-gate-'));
    ds = new DataSource({
      type: 'postgres',
      driver: withTransactionGate(new PGliteDriver({ dataDir: dir }).driver, WAIT_MS),
      synchronize: false,
      logging: false,
    });
    await ds.initialize();
    await ds.query('CREATE TABLE counter (id int PRIMARY KEY, v int NOT NULL)');
    await ds.query('CREATE TABLE items (name text PRIMARY KEY)');
  });
  afterAll(async () => {
    await ds?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM counter');
    await ds.query('DELETE FROM items');
    await ds.query('INSERT INTO counter VALUES (1, 0)');
  });

  it('serialises concurrent read-modify-write transactions (no lost update)', async () => {
    const increment = () =>
      ds.transaction(async (em) => {
        const [row] = await em.query('SELECT v FROM counter WHERE id = 1 FOR UPDATE');
        // Not a wait for a condition: the transaction stays open on purpose, so that without the
        // gate the other increments would read the same value in between (a lost update).
        await holdOpen(20);
        await em.query('UPDATE counter SET v = $1 WHERE id = 1', [row.v + 1]);
      });
    await Promise.all(Array.from({ length: 5 }, increment));
    expect(await ds.query('SELECT v FROM counter')).toEqual([{ v: 5 }]);
  });

  it('rolls back only the failing transaction, not a concurrent one', async () => {
    const committed = ds.transaction(async (em) => {
      await em.query("INSERT INTO items VALUES ('kept')");
      // Open while the other transaction fails: without the gate its ROLLBACK would take this INSERT too.
      await holdOpen(50);
    });
    const failed = ds.transaction(async (em) => {
      await em.query("INSERT INTO items VALUES ('discarded')");
      throw new Error('abort');
    });
    await expect(Promise.all([committed, failed])).rejects.toThrow('abort');
    await committed;
    expect(await ds.query('SELECT name FROM items ORDER BY name')).toEqual([{ name: 'kept' }]);
  });

  it('runs plain statements while a transaction is open (no deadlock)', async () => {
    const seen = await ds.transaction(async (em) => {
      await em.query("INSERT INTO items VALUES ('inside')");
      return ds.query('SELECT 1 AS one');
    });
    expect(seen).toEqual([{ one: 1 }]);
  });

  it('fails loudly instead of hanging when a transaction is opened inside another', async () => {
    const nested = ds.transaction(() => ds.transaction((inner) => inner.query('SELECT 1')));
    await expect(nested).rejects.toThrow(`waited ${WAIT_MS} ms`);
    // The gate is free again afterwards.
    await ds.transaction((em) => em.query("INSERT INTO items VALUES ('after')"));
    expect(await ds.query("SELECT name FROM items WHERE name = 'after'")).toHaveLength(1);
  });
});
