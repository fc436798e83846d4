import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickHouseClient } from '../src/timeseries/clickhouse.client';
import { migrateClickHouse } from '../src/timeseries/clickhouse.migrator';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/timeseries/timeseries.module';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { ProbeResultsRepository } from '../src/probe-results/probe-results.repository';
import type { ProbeResultRow } from '../src/probe-results/probe-result.row';
import { probeResultRow, startClickHouseHttpFixture } from './fixtures';

/** Yesterday at 00:00 UTC: inside the raw table's retention (older rows are removed by its TTL). */
const BASE = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000;
const chMinute = (minute: number) => new Date(BASE + minute * 60_000).toISOString().replace('T', ' ').slice(0, 19);

function row(probeId: number, minute: number, rtt: number | null, loss = 0): ProbeResultRow {
  // min = avg = max: the rollup assertions below read exact figures.
  return probeResultRow(BASE + minute * 60_000 + 5_000, rtt, { probe_id: probeId, loss_pct: loss, rtt_min_ms: rtt, rtt_max_ms: rtt, payload: JSON.stringify({ rtt }) });
}

/** The same behaviour is demanded of both transports: chDB in-process and HTTP. */
function storeContract(name: string, open: () => Promise<{ store: TimeSeriesStore; close(): Promise<void> }>) {
  describe(name, () => {
    let store: TimeSeriesStore;
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => {
      await close();
    });

    it('applies the numbered migrations once and is safe to re-run', async () => {
      const again = await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
      expect(again).toEqual([]);
      const versions = await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => Number(v.version))).toEqual(expect.arrayContaining([1, 2]));
    });

    it('reports the newest stored created_at, or nothing for an empty table', async () => {
      const repo = new ProbeResultsRepository(store);
      expect(await repo.newestCreatedAt()).toBe('');
      const newest = row(5, 600, 1);
      await repo.insert([row(5, 1, 1), newest, row(5, 2, 1)]);
      expect(await repo.newestCreatedAt()).toBe(newest.created_at);
      await store.command('TRUNCATE TABLE probe_results');
    });

    it('inserts a batch and queries it back with bound parameters', async () => {
      const rows = Array.from({ length: 100 }, (_, i) => row(7, i % 10, 10 + (i % 10)));
      await store.insert('probe_results', rows);
      const found = await store.query<{ n: string; avg: number }>(
        'SELECT count() AS n, avg(rtt_avg_ms) AS avg FROM probe_results WHERE workspace_id = {w:UInt32} AND probe_id = {p:UInt32}',
        { w: 1, p: 7 },
      );
      expect(Number(found[0].n)).toBe(100);
      expect(found[0].avg).toBeCloseTo(14.5);
    });

    it('stores every column of the ingest path exactly, whatever the strings hold', async () => {
      const repo = new ProbeResultsRepository(store);
      const payload = JSON.stringify({ target: 'x"y\\z', rtts_ms: [1.5, null, 2], text: 'línea\n\ttab', nul: '\u0000' });
      const nasty = { ...row(6, 1, null, 100), target: 'host\twith\ttabs\\N', triggered: true, triggered_reason: 'line1\nline2\r\\end', payload };
      const plain = { ...row(6, 2, 0.25), rtt_min_ms: 1e-7, download_mbps: 941.25, upload_mbps: 0.5, mos: 4.41 };
      await repo.insert([nasty, plain]);
      const back = await store.query<Record<string, unknown>>(
        `SELECT toString(id) AS id_text, workspace_id, probe_id, agent_id, probe_agent_id, type, target, target_agent, triggered,
                triggered_reason, toString(created_at) AS created_text, loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, jitter_ms,
                download_mbps, upload_mbps, mos, payload
         FROM probe_results WHERE probe_id = 6 ORDER BY created_at`,
      );
      expect(back).toEqual(
        [nasty, plain].map(({ id, created_at, ...rest }) => ({ id_text: id, created_text: created_at, ...rest })),
      );
    });

    it('treats a hostile parameter as data, never as SQL', async () => {
      const rows = await store.query<{ n: string }>('SELECT count() AS n FROM probe_results WHERE target = {t:String}', {
        t: "x' OR 1=1 --",
      });
      expect(Number(rows[0].n)).toBe(0);
    });

    it('finds already-stored ids for de-duplication', async () => {
      const repo = new ProbeResultsRepository(store);
      const stored = [row(8, 1, 5), row(8, 2, 6)];
      await repo.insert(stored);
      const existing = await repo.existingIds([stored[0], row(8, 3, 7)]);
      expect([...existing]).toEqual([stored[0].id]);
    });

    it('feeds the hourly rollup, ignoring RTT of total-loss runs', async () => {
      await store.insert('probe_results', [row(9, 0, 10), row(9, 0, 20), row(9, 0, null, 100), row(9, 59, 30), row(9, 60, 40)]);
      const buckets = await store.query<{ bucket: string; samples: number; rtt_min: number | null; rtt_avg: number | null; loss: number }>(
        `SELECT toString(bucket) AS bucket, sum(samples) AS samples, min(rtt_min) AS rtt_min, avgMerge(rtt_avg) AS rtt_avg,
                avgMerge(loss_avg) AS loss
         FROM probe_rollup_1h WHERE workspace_id = 1 AND probe_id = 9 GROUP BY bucket ORDER BY bucket`,
      );
      expect(buckets).toEqual([
        { bucket: chMinute(0), samples: 4, rtt_min: 10, rtt_avg: 20, loss: 25 },
        { bucket: chMinute(60), samples: 1, rtt_min: 40, rtt_avg: 40, loss: 0 },
      ]);
    });

    it('reports ping true while the engine answers', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}

storeContract('time-series store on chDB (in-process)', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-ts-'));
  const store = new TimeSeriesStore(createClickHouseClient({ dataDir }));
  await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
  return {
    store,
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

storeContract('time-series store over the ClickHouse HTTP transport', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-ts-http-'));
  const fixture = await startClickHouseHttpFixture(join(dataDir, 'ch'));
  const store = new TimeSeriesStore(createClickHouseClient({ dataDir, clickhouseUrl: fixture.url }));
  await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
  return {
    store,
    close: async () => {
      expect(fixture.requests).toBeGreaterThan(5);
      await store.close();
      await fixture.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
