/**
 * The measurements behind migration 0004 (BENCHMARKS.md, findings 5 and 6), in a process of its
 * own (chDB binds one data directory per process). Run once, under the bench lock, after
 * `npx tsc -p bench/tsconfig.json`:
 *   flock /tmp/bench.lock node bench/dist/bench/workers/rollup-experiments.js bench/results/<date>-rollup-experiments.json
 *
 * The store holds an hourly rollup of 1,000 probes x 30 days (720 k rows, generated straight
 * into the rollup without raw rows), merged before each insert timing so no background merge
 * runs under it.
 * 1. INSERT latency into probe_results (batches of 1, 100 and 1,000 results, one per probe)
 *    with the views of migrations 0001–0003 (both rollups), with the hourly view only and with
 *    none, then with the layout 0004 leaves (hourly view, 256-row granules) against none. The
 *    conditions alternate batch by batch, so whatever else loads the machine hits them alike.
 * 2. Migration 0004 itself on that store: how long the copy takes, and that the rollup holds
 *    the same samples after it.
 * 3. A one-probe 30-day, 300-point chart (3-hour buckets) through ProbeChartRepository from the
 *    rollup as the migration left it, then merged with index_granularity 256, 1,024 and 8,192,
 *    in alternating rounds.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { expectedRawRows, planChart } from '../../controller/src/probe-data/probe-chart.plan';
import { ProbeChartRepository } from '../../controller/src/probe-results/probe-chart.repository';
import { createClickHouseClient } from '../../controller/src/timeseries/clickhouse.client';
import { migrateClickHouse } from '../../controller/src/timeseries/clickhouse.migrator';
import { TimeSeriesStore } from '../../controller/src/timeseries/timeseries.store';
import { CLICKHOUSE_MIGRATIONS } from '../lib/paths';
import { round, summarize } from '../lib/stats';
import { probeResultRow } from '../../controller/test/fixtures';

const PROBES = 1000;
const DAYS = 30;
const INSERT_REPS = 40;
const CHART_REPS = 20;
const CHART_ROUNDS = 3;
const BATCHES = [1, 100, 1000];
const GRANULARITIES = [256, 1024, 8192];
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function batch(size: number, rep: number) {
  return Array.from({ length: size }, (_, k) =>
    probeResultRow(Date.now(), 5 + ((rep + k) % 40), { probe_id: ((rep * 7 + k) % PROBES) + 1, jitter_ms: 0.4, payload: '{"sent":5,"received":5}' }),
  );
}

/** Views attached per condition; the others are detached while it is timed. */
type Conditions = Record<string, readonly string[]>;

async function insertLatency(store: TimeSeriesStore, conditions: Conditions) {
  const allViews = [...new Set(Object.values(conditions).flat())];
  const attached = new Set(allViews);
  const samples: Record<string, Record<number, number[]>> = {};
  for (const name of Object.keys(conditions)) samples[name] = Object.fromEntries(BATCHES.map((b) => [b, []]));
  const names = Object.keys(conditions);
  for (let rep = 0; rep <= INSERT_REPS; rep++) {
    for (const size of BATCHES) {
      for (let c = 0; c < names.length; c++) {
        const name = names[(rep + c) % names.length];
        for (const view of allViews) {
          const wanted = conditions[name].includes(view);
          if (wanted && !attached.has(view)) await store.command(`ATTACH TABLE ${view}`);
          if (!wanted && attached.has(view)) await store.command(`DETACH TABLE ${view}`);
          if (wanted) attached.add(view);
          else attached.delete(view);
        }
        const rows = batch(size, rep);
        const t = performance.now();
        await store.insert('probe_results', rows);
        // The first round warms up every condition and is not counted.
        if (rep > 0) samples[name][size].push(performance.now() - t);
      }
    }
  }
  for (const view of allViews) if (!attached.has(view)) await store.command(`ATTACH TABLE ${view}`);
  return Object.fromEntries(
    names.map((name) => [name, { views: conditions[name], ...Object.fromEntries(BATCHES.map((b) => [`rows_${b}_ms`, summarize(samples[name][b])])) }]),
  );
}

/** Hourly states for PROBES probes x DAYS days of one result a minute, generated without raw rows. */
const HOURLY_SQL = `
INSERT INTO probe_rollup_1h
SELECT 1, probe, 'PING', target, toStartOfHour(ts) AS bucket, count(), avgState(toNullable(loss)), min(toNullable(mn)),
  max(toNullable(mx)), avgState(toNullable(av)), quantilesTDigestState(0.5, 0.95, 0.99)(toNullable(av)), avgState(toNullable(jit))
FROM (
  SELECT number, {m0:UInt32} + intDiv(number, {n:UInt32}) AS m, number % {n:UInt32} + 1 AS probe,
    concat('10.1.', toString(intDiv(probe, 256)), '.', toString(probe % 256)) AS target,
    toDateTime(m * 60 + probe % 60, 'UTC') AS ts,
    2 + cityHash64(probe) % 150 AS base,
    base + randExponential(1, number) * (base * 0.05 + 0.1) AS av,
    if(rand(2) % 1000 < 970, 0., 20.) AS loss,
    greatest(0.05, av - abs(randNormal(0, 1, number)) * (base * 0.02 + 0.05)) AS mn,
    av + randExponential(1, number + 2) * (base * 0.1 + 0.2) AS mx,
    base * 0.03 + randExponential(5, number + 1) AS jit
  FROM numbers({count:UInt64})
)
GROUP BY probe, target, bucket`;

const ROLLUP_ENGINE = (granularity: number) => `ENGINE = AggregatingMergeTree PARTITION BY toYYYYMM(bucket)
  ORDER BY (workspace_id, probe_id, type, target, bucket) TTL bucket + INTERVAL 1100 DAY SETTINGS index_granularity = ${granularity}`;

async function fillHourlyRollup(store: TimeSeriesStore, now: number): Promise<void> {
  const endMinute = Math.floor(now / MINUTE_MS);
  for (let d = DAYS; d > 0; d--) {
    await store.command(HOURLY_SQL, { m0: endMinute - d * 1440, n: PROBES, count: 1440 * PROBES });
  }
}

/** Rows can merge into fewer (same key), samples cannot change: what a copy must keep. */
async function rollupContent(store: TimeSeriesStore) {
  const [c] = await store.query<{ samples: number; buckets: number }>(
    'SELECT sum(samples) AS samples, uniqExact(workspace_id, probe_id, type, target, bucket) AS buckets FROM probe_rollup_1h',
  );
  return { samples: Number(c.samples), buckets: Number(c.buckets) };
}

async function activeParts(store: TimeSeriesStore): Promise<number> {
  const [{ parts }] = await store.query<{ parts: number }>(
    `SELECT count() AS parts FROM system.parts WHERE active AND database = currentDatabase() AND table = 'probe_rollup_1h'`,
  );
  return Number(parts);
}

function chartTimer(store: TimeSeriesStore, now: number) {
  const repo = new ProbeChartRepository(store);
  const plan = planChart(new Date(now - DAYS * DAY_MS), new Date(now), 300, expectedRawRows(DAYS * DAY_MS, 60, 1));
  let i = 0;
  return {
    plan: { bucket_seconds: plan.bucketSeconds, source: plan.source, buckets: plan.buckets },
    /** Times one chart of a different probe each call. */
    async time(): Promise<number> {
      const probeId = ((i++ * 7919) % PROBES) + 1;
      const t = performance.now();
      await repo.series({ workspaceId: 1, probeId, type: 'PING', from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds }, plan.source);
      return performance.now() - t;
    },
  };
}

async function asMigrated(store: TimeSeriesStore, now: number) {
  const chart = chartTimer(store, now);
  const samples: number[] = [];
  for (let k = 0; k <= CHART_REPS * CHART_ROUNDS; k++) {
    const ms = await chart.time();
    if (k > 0) samples.push(ms);
  }
  return { parts: await activeParts(store), chart_30d_ms: summarize(samples) };
}

async function chartByGranularity(store: TimeSeriesStore, now: number) {
  const variants = GRANULARITIES.filter((g) => g !== 256);
  for (const g of variants) {
    await store.command(`DROP TABLE IF EXISTS rollup_g${g} SYNC`);
    await store.command(`CREATE TABLE rollup_g${g} AS probe_rollup_1h ${ROLLUP_ENGINE(g)}`);
    await store.command(`INSERT INTO rollup_g${g} SELECT * FROM probe_rollup_1h`);
    await store.command(`OPTIMIZE TABLE rollup_g${g} FINAL`);
  }
  const chart = chartTimer(store, now);
  const samples: Record<number, number[]> = Object.fromEntries(GRANULARITIES.map((g) => [g, []]));
  for (let r = 0; r < CHART_ROUNDS; r++) {
    for (const g of GRANULARITIES) {
      // The variant takes the live name for its round, so the repository's own query reads it.
      if (g !== 256) await store.command(`EXCHANGE TABLES probe_rollup_1h AND rollup_g${g}`);
      try {
        for (let k = 0; k <= CHART_REPS; k++) {
          const ms = await chart.time();
          if (k > 0) samples[g].push(ms);
        }
      } finally {
        if (g !== 256) await store.command(`EXCHANGE TABLES probe_rollup_1h AND rollup_g${g}`);
      }
    }
  }
  return {
    plan: chart.plan,
    parts: await activeParts(store),
    ...Object.fromEntries(GRANULARITIES.map((g) => [`granularity_${g}_ms`, summarize(samples[g])])),
  };
}

async function main(): Promise<void> {
  const [outputFile] = process.argv.slice(2);
  const dataDir = mkdtempSync(join(os.tmpdir(), 'nw-rollup-experiments-'));
  const upTo0003 = mkdtempSync(join(os.tmpdir(), 'nw-rollup-experiments-migrations-'));
  const started = performance.now();
  const machine = { cores: os.cpus().length, cpu_model: os.cpus()[0]?.model, node: process.version, load_average_at_start: os.loadavg().map((v) => round(v)) };
  const store = new TimeSeriesStore(createClickHouseClient({ dataDir }));
  try {
    for (const file of readdirSync(CLICKHOUSE_MIGRATIONS).filter((f) => /^000[123]_.*\.sql$/.test(f))) {
      copyFileSync(join(CLICKHOUSE_MIGRATIONS, file), join(upTo0003, file));
    }
    await migrateClickHouse(store, upTo0003);
    const now = Date.now();
    await fillHourlyRollup(store, now);
    await store.command('OPTIMIZE TABLE probe_rollup_1h FINAL');
    const before = await insertLatency(store, {
      views_0003: ['probe_rollup_1m_mv', 'probe_rollup_1h_mv'],
      hourly_view_only: ['probe_rollup_1h_mv'],
      no_views: [],
    });
    const contentBefore = await rollupContent(store);
    const migrate = performance.now();
    const applied = await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS);
    const migrateSeconds = round((performance.now() - migrate) / 1000, 2);
    const contentAfter = await rollupContent(store);
    const migrated = await asMigrated(store, now);
    await store.command('OPTIMIZE TABLE probe_rollup_1h FINAL');
    const after = await insertLatency(store, { layout_0004: ['probe_rollup_1h_mv'], no_views: [] });
    await store.command('OPTIMIZE TABLE probe_rollup_1h FINAL');
    const charts = await chartByGranularity(store, now);
    const result = {
      date: new Date().toISOString().slice(0, 10),
      machine,
      inserts_0003: before,
      migration: { applied, seconds: migrateSeconds, rollup_before: contentBefore, rollup_after: contentAfter, as_migrated: migrated },
      inserts_0004: after,
      chart_30d_by_index_granularity: charts,
      seconds: round((performance.now() - started) / 1000, 1),
    };
    writeFileSync(outputFile, JSON.stringify(result, null, 2) + '\n');
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(upTo0003, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`rollup-experiments failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
