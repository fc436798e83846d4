import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeResultRow } from '../src/probe-results/probe-result.row';
import { createClickHouseClient } from '../src/timeseries/clickhouse.client';
import { loadMigrations, migrateClickHouse } from '../src/timeseries/clickhouse.migrator';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/timeseries/timeseries.module';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { probeResultRow } from './fixtures';

/**
 * Migration 0004 (hourly rollup only, 256-row granules) on a store that lived with 0001–0003:
 * the rows survive, new results still roll up, and a crash at any statement followed by the
 * migrator's re-run of the whole file ends in the same state. One chDB data directory for the
 * whole file (chDB binds one per process), reset to the 0003 layout between scenarios.
 */

/** Yesterday at 00:00 UTC: inside every table's TTL. */
const BASE = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000;
const MINUTE = 60_000;

function row(probeId: number, type: string, at: number, rtt: number | null, loss: number | null, target = '10.0.0.1'): ProbeResultRow {
  return probeResultRow(at, rtt, {
    probe_id: probeId,
    type,
    target,
    loss_pct: loss,
    rtt_min_ms: rtt === null ? null : rtt - 0.5,
    rtt_max_ms: rtt === null ? null : rtt + 1.25,
    jitter_ms: rtt === null ? null : 0.1 * (1 + ((at / MINUTE) % 3)),
  });
}

/**
 * Three hours of a PING probe (a ten-minute total-loss run in hour 0), an MTR probe toward
 * another target, an hour of total loss, and a SYSINFO result the rollup must ignore.
 */
function dataset(): ProbeResultRow[] {
  const rows: ProbeResultRow[] = [];
  for (let m = 0; m < 180; m++) {
    const lost = m >= 30 && m < 40;
    rows.push(row(1, 'PING', BASE + m * MINUTE + 1_500, lost ? null : 10 + (m % 7), lost ? 100 : m % 11 === 0 ? 20 : 0));
    rows.push(row(2, 'MTR', BASE + m * MINUTE + 30_000, 40 + (m % 5) * 1.5, 0, '10.0.0.2'));
  }
  for (let m = 0; m < 60; m++) rows.push(row(3, 'PING', BASE + m * MINUTE, null, 100));
  rows.push(row(4, 'SYSINFO', BASE, null, null));
  return rows;
}

interface HourFigures {
  probe_id: number;
  type: string;
  target: string;
  bucket: string;
  samples: number;
  loss: number | null;
  rtt_min: number | null;
  rtt_max: number | null;
  rtt_avg: number | null;
  jitter: number | null;
}

/** The hourly rollup merged per bucket, and the same figures aggregated from raw rows. */
const FROM_ROLLUP = `SELECT probe_id, type, target, toString(bucket) AS bucket, sum(samples) AS samples,
    round(avgMerge(loss_avg), 6) AS loss, min(rtt_min) AS rtt_min, max(rtt_max) AS rtt_max,
    round(avgMerge(rtt_avg), 6) AS rtt_avg, round(avgMerge(jitter_avg), 6) AS jitter
  FROM probe_rollup_1h GROUP BY probe_id, type, target, bucket ORDER BY probe_id, type, target, bucket`;
const FROM_RAW = `SELECT probe_id, type, target, toString(toStartOfHour(created_at)) AS bucket, count() AS samples,
    round(avg(loss_pct), 6) AS loss, min(rtt_min_ms) AS rtt_min, max(rtt_max_ms) AS rtt_max,
    round(avg(rtt_avg_ms), 6) AS rtt_avg, round(avg(jitter_ms), 6) AS jitter
  FROM probe_results WHERE type IN ('PING', 'MTR') GROUP BY probe_id, type, target, bucket ORDER BY probe_id, type, target, bucket`;

describe('ClickHouse migration 0004: hourly rollup only, 256-row granules', () => {
  let dataDir: string;
  let upTo0003: string;
  let store: TimeSeriesStore;

  const tables = async () =>
    (
      await store.query<{ name: string }>(
        `SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'probe_rollup%' ORDER BY name`,
      )
    ).map((t) => t.name);
  const granularity = async (table: string) => {
    const [t] = await store.query<{ q: string }>(
      `SELECT create_table_query AS q FROM system.tables WHERE database = currentDatabase() AND name = {table:String}`,
      { table },
    );
    return Number(/index_granularity = (\d+)/.exec(t.q)?.[1]);
  };
  const hourly = () => store.query<HourFigures>(FROM_ROLLUP);
  const fromRaw = () => store.query<HourFigures>(FROM_RAW);
  const statementsOf = (dir: string, version: number) => loadMigrations(dir).find((m) => m.version === version)!.statements;

  /** Back to what 0002 created, holding `rows` (written through its two materialized views). */
  async function resetTo0003(rows: ProbeResultRow[]): Promise<void> {
    for (const view of ['probe_rollup_1m_mv', 'probe_rollup_1h_mv']) await store.command(`DROP VIEW IF EXISTS ${view}`);
    for (const table of ['probe_rollup_1m', 'probe_rollup_1h', 'probe_rollup_1h_staging']) await store.command(`DROP TABLE IF EXISTS ${table} SYNC`);
    await store.command('TRUNCATE TABLE probe_results');
    for (const statement of statementsOf(upTo0003, 2)) await store.command(statement);
    await store.insert('probe_results', rows);
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nw-ts-0004-'));
    upTo0003 = mkdtempSync(join(tmpdir(), 'nw-ts-0003-migrations-'));
    for (const file of readdirSync(CLICKHOUSE_MIGRATIONS_DIR).filter((f) => /^000[123]_.*\.sql$/.test(f))) {
      copyFileSync(join(CLICKHOUSE_MIGRATIONS_DIR, file), join(upTo0003, file));
    }
    store = new TimeSeriesStore(createClickHouseClient({ dataDir }));
    expect(await migrateClickHouse(store, upTo0003)).toEqual([1, 2, 3]);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(upTo0003, { recursive: true, force: true });
  });

  it('keeps every hourly row, drops the per-minute rollup, and new results still roll up', async () => {
    const rows = dataset();
    await store.insert('probe_results', rows);
    expect(await tables()).toEqual(['probe_rollup_1h', 'probe_rollup_1h_mv', 'probe_rollup_1m', 'probe_rollup_1m_mv']);
    expect(await granularity('probe_rollup_1h')).toBe(8192);
    const before = await hourly();
    // 3 hours of probes 1 and 2, 1 hour of probe 3; SYSINFO is not rolled up.
    expect(before).toHaveLength(7);
    expect(before).toEqual(await fromRaw());
    const [perMinute] = await store.query<{ n: number }>('SELECT sum(samples) AS n FROM probe_rollup_1m');
    expect(Number(perMinute.n)).toBe(rows.length - 1);

    // 0004 and whatever came after it (0005 columns, 0006 the view recreated with TRAFFICSIM).
    expect(await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR)).toEqual(loadMigrations(CLICKHOUSE_MIGRATIONS_DIR).map((m) => m.version).filter((v) => v >= 4));
    expect(await tables()).toEqual(['probe_rollup_1h', 'probe_rollup_1h_mv']);
    expect(await granularity('probe_rollup_1h')).toBe(256);
    expect(await hourly()).toEqual(before);
    const lostHour = before.find((h) => h.probe_id === 3)!;
    expect(lostHour).toMatchObject({ samples: 60, loss: 100, rtt_min: null, rtt_avg: null });

    // Into an hour the copy holds and into a new one: both reach the new table through the new view.
    await store.insert('probe_results', [row(1, 'PING', BASE + 5 * MINUTE + 9_000, 99, 0), row(1, 'PING', BASE + 3 * 3_600_000, 7, 0)]);
    const after = await hourly();
    expect(after).toEqual(await fromRaw());
    expect(after).toHaveLength(8);
    expect(after.find((h) => h.probe_id === 1 && h.bucket === before[0].bucket)).toMatchObject({ samples: before[0].samples + 1, rtt_max: 100.25 });
    const [raw] = await store.query<{ n: number }>('SELECT count() AS n FROM probe_results');
    expect(Number(raw.n)).toBe(rows.length + 2);

    expect(await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR)).toEqual([]);
  });

  it('ends in the same state with every row after a crash at any statement and a re-run of the file', async () => {
    const statements = statementsOf(CLICKHOUSE_MIGRATIONS_DIR, 4);
    const createStaging = statements.findIndex((s) => s.startsWith('CREATE TABLE IF NOT EXISTS probe_rollup_1h_staging'));
    const exchange = statements.findIndex((s) => s.startsWith('EXCHANGE TABLES'));
    expect(createStaging).toBeGreaterThan(0);
    expect(exchange).toBeGreaterThan(createStaging);
    const rows = dataset();
    const scenarios: { ranStatements: number; copyCutShort?: boolean }[] = [
      ...Array.from({ length: statements.length + 1 }, (_, k) => ({ ranStatements: k })),
      { ranStatements: createStaging + 1, copyCutShort: true },
    ];
    for (const scenario of scenarios) {
      await resetTo0003(rows);
      const expected = await hourly();
      expect(expected).toHaveLength(7);
      for (const statement of statements.slice(0, scenario.ranStatements)) await store.command(statement);
      if (scenario.copyCutShort) await store.command('INSERT INTO probe_rollup_1h_staging SELECT * FROM probe_rollup_1h LIMIT 3');
      // The migrator had not recorded 0004, so it runs the whole file again.
      for (const statement of statements) await store.command(statement);

      const context = JSON.stringify(scenario);
      expect([context, await tables()]).toEqual([context, ['probe_rollup_1h', 'probe_rollup_1h_mv']]);
      expect([context, await granularity('probe_rollup_1h')]).toEqual([context, 256]);
      expect([context, await hourly()]).toEqual([context, expected]);
      await store.insert('probe_results', [row(1, 'PING', BASE + 4 * 3_600_000, 12, 0)]);
      expect([context, (await hourly()).length]).toEqual([context, 8]);
    }
  });
});
