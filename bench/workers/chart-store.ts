/**
 * Chart dataset and store-level timings, in a process of its own (chDB binds one data
 * directory per process). `node chart-store.js <input.json> <output.json>`.
 *
 * The dataset is generated inside ClickHouse (INSERT … SELECT FROM numbers()), one day per
 * statement. Raw rows cover the whole 30 days. The hourly rollup (what a 30-day chart and the
 * overview read; the only rollup since migration 0004) is filled from the raw rows in bulk with
 * the materialized view's own aggregation, and through the live view for the last hours, which
 * also times the real insert path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClickHouseClient } from '../../controller/src/timeseries/clickhouse.client';
import { migrateClickHouse } from '../../controller/src/timeseries/clickhouse.migrator';
import { TimeSeriesStore } from '../../controller/src/timeseries/timeseries.store';
import { expectedRawRows, planChart } from '../../controller/src/probe-data/probe-chart.plan';
import { ProbeChartRepository } from '../../controller/src/probe-results/probe-chart.repository';
import { probeResultRow, startClickHouseHttpFixture } from '../../controller/test/fixtures';
import { CLICKHOUSE_MIGRATIONS } from '../lib/paths';
import { round, timeRepeated } from '../lib/stats';

export interface ChartStoreInput {
  dataDir: string;
  workspaceId: number;
  probes: { id: number; agentId: number }[];
  days: number;
  /** Hours at the end of the window inserted through the materialized views. */
  viewHours: number;
  reps: Reps & { http: number; inserts: number };
}

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

const ROWS_SQL = `
INSERT INTO probe_results (id, workspace_id, probe_id, agent_id, probe_agent_id, type, target, target_agent, triggered,
  triggered_reason, created_at, received_at, loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, jitter_ms, payload)
SELECT generateUUIDv4(number), {ws:UInt32}, probe, agent, agent, 'PING', target, 0, false, '', ts,
  ts + toIntervalMillisecond(20 + rand(3) % 200), loss, mn, av, mx, jit,
  concat('{"target":"', target, '","sent":5,"received":', toString(received), ',"rtt_avg_ms":', ifNull(toString(round(av, 3)), 'null'), '}')
FROM (
  SELECT number,
    {m0:UInt32} + intDiv(number, {n:UInt32}) AS m,
    number % {n:UInt32} AS k,
    {probes:Array(UInt32)}[k + 1] AS probe,
    {agents:Array(UInt32)}[k + 1] AS agent,
    concat('10.', toString(intDiv(probe, 65536) % 256), '.', toString(intDiv(probe, 256) % 256), '.', toString(probe % 256)) AS target,
    toDateTime64(m * 60 + probe % 60, 3, 'UTC') + toIntervalMillisecond(rand(1) % 1000) AS ts,
    -- Each probe has its own path: a base RTT of 2–151 ms, exponential queueing on top,
    -- occasional partial loss, rare lost runs, and a 10-minute outage every 3 days.
    2 + cityHash64(probe) % 150 AS base,
    base + randExponential(1, number) * (base * 0.05 + 0.1) AS avg_ms,
    rand(2) % 1000 AS u,
    (m + probe * 7919) % 4320 < 10 AS outage,
    multiIf(outage OR u >= 999, 100., u < 970, 0., u < 995, 20., 40.) AS loss,
    toUInt8(5 - loss / 20) AS received,
    if(loss = 100., NULL, greatest(0.05, avg_ms - abs(randNormal(0, 1, number)) * (base * 0.02 + 0.05))) AS mn,
    if(loss = 100., NULL, avg_ms) AS av,
    if(loss = 100., NULL, avg_ms + randExponential(1, number + 2) * (base * 0.1 + 0.2)) AS mx,
    if(loss = 100., NULL, base * 0.03 + randExponential(5, number + 1)) AS jit
  FROM numbers({count:UInt64})
)`;

/** What the materialized view of 0004_hourly_rollup_only.sql computes, run in bulk over raw rows. */
const rollupSql = (table: string, bucket: string) => `
INSERT INTO ${table}
SELECT workspace_id, probe_id, type, target, ${bucket}(created_at) AS bucket, count(), avgState(loss_pct), min(rtt_min_ms),
  max(rtt_max_ms), avgState(rtt_avg_ms), quantilesTDigestState(0.5, 0.95, 0.99)(rtt_avg_ms), avgState(jitter_ms)
FROM probe_results
WHERE workspace_id = {ws:UInt32} AND created_at >= {from:DateTime64(3, 'UTC')} AND created_at < {to:DateTime64(3, 'UTC')}
GROUP BY workspace_id, probe_id, type, target, bucket`;

/** The plan the service makes for one of the dataset's probes: one result a minute, one target. */
const planFor = (from: Date, to: Date, points: number) => planChart(from, to, points, expectedRawRows(to.getTime() - from.getTime(), MINUTE, 1));

const chTime = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { seconds: round((performance.now() - t) / 1000, 2), value };
}

async function generate(store: TimeSeriesStore, input: ChartStoreInput) {
  const n = input.probes.length;
  const base = { ws: input.workspaceId, n, probes: input.probes.map((p) => p.id), agents: input.probes.map((p) => p.agentId) };
  const endMinute = Math.floor(Date.now() / 1000 / MINUTE);
  const startMinute = endMinute - input.days * 1440;
  const viewStartMinute = (Math.floor((endMinute * MINUTE) / HOUR) * HOUR) / MINUTE - input.viewHours * 60;
  const insertMinutes = (m0: number, m1: number) => store.command(ROWS_SQL, { ...base, m0, count: (m1 - m0) * n });

  await store.command('DETACH TABLE probe_rollup_1h_mv');
  const bulk = await timed(async () => {
    for (let m = startMinute; m < viewStartMinute; m += 1440) await insertMinutes(m, Math.min(m + 1440, viewStartMinute));
  });
  const hourly = await timed(async () => {
    for (let t = startMinute * MINUTE; t < viewStartMinute * MINUTE; t += DAY) {
      const to = Math.min(t + DAY, viewStartMinute * MINUTE);
      await store.command(rollupSql('probe_rollup_1h', 'toStartOfHour'), { ws: input.workspaceId, from: chTime(t), to: chTime(to) });
    }
  });
  await store.command('ATTACH TABLE probe_rollup_1h_mv');
  const viaViews = await timed(() => insertMinutes(viewStartMinute, endMinute));

  const counts = await store.query<{ table: string; rows: number; bytes: number }>(
    `SELECT table, sum(rows) AS rows, sum(bytes_on_disk) AS bytes FROM system.parts
     WHERE active AND database = currentDatabase() AND table IN ('probe_results', 'probe_rollup_1h') GROUP BY table`,
  );
  const rows = Object.fromEntries(counts.map((c) => [c.table, Number(c.rows)]));
  const bulkRows = (viewStartMinute - startMinute) * n;
  const viewRows = (endMinute - viewStartMinute) * n;
  return {
    probes: n,
    days: input.days,
    window: { from: chTime(startMinute * MINUTE), to: chTime(endMinute * MINUTE) },
    rows,
    disk_mb: Object.fromEntries(counts.map((c) => [c.table, round(Number(c.bytes) / 2 ** 20, 1)])),
    build_seconds: round(bulk.seconds + hourly.seconds + viaViews.seconds, 1),
    steps: {
      raw_bulk: { rows: bulkRows, seconds: bulk.seconds, rows_per_s: Math.round(bulkRows / bulk.seconds) },
      rollup_1h_bulk: { seconds: hourly.seconds },
      last_hours_through_views: { hours: input.viewHours, rows: viewRows, seconds: viaViews.seconds, rows_per_s: Math.round(viewRows / viaViews.seconds) },
    },
  };
}

export interface Reps {
  chart: number;
  /** 30-day overview from the rollups (seconds per run on 1,000 probes: keep it small). */
  overviewRollup: number;
  overviewRaw: number;
}

/** Chart and overview latencies through one transport. */
async function measure(store: TimeSeriesStore, input: ChartStoreInput, reps: Reps & { chartRaw: boolean; overview24h: number; shortCharts?: boolean }) {
  const repo = new ProbeChartRepository(store);
  const to = new Date();
  const from = new Date(to.getTime() - input.days * DAY * 1000);
  const plan = planFor(from, to, 300);
  const probe = (i: number) => input.probes[(i * 7919) % input.probes.length].id;
  const series = (source: typeof plan.source) => (i: number) =>
    repo.series({ workspaceId: input.workspaceId, probeId: probe(i), type: 'PING', from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds }, source);
  const overview = { workspaceId: input.workspaceId, probeIds: input.probes.map((p) => p.id), from, to };
  const overviewDay = { ...overview, from: new Date(to.getTime() - DAY * 1000) };
  const result: Record<string, unknown> = { chart_30d_rollup_ms: await timeRepeated(reps.chart, series(plan.source)) };
  if (reps.chartRaw) result.chart_30d_raw_ms = await timeRepeated(reps.chart, series('raw'));
  if (reps.shortCharts) result.short_charts = await shortCharts(repo, input, to, reps.chart);
  if (reps.overview24h > 0) result.overview_24h_rollup_ms = await timeRepeated(reps.overview24h, () => repo.overview(overviewDay, 'rollup'));
  if (reps.overviewRollup > 0) result.overview_30d_rollup_ms = await timeRepeated(reps.overviewRollup, () => repo.overview(overview, 'rollup'));
  if (reps.overviewRaw > 0) result.overview_30d_raw_ms = await timeRepeated(reps.overviewRaw, () => repo.overview(overview, 'raw'));
  return result;
}

/**
 * Charts of one probe over 24 hours (300 points: 5-minute buckets; 1,440 points: 2-minute
 * buckets) and 6 days (300 points: 30-minute buckets), from the source the plan picks and from
 * raw rows: the ranges the per-minute rollup used to answer.
 */
async function shortCharts(repo: ProbeChartRepository, input: ChartStoreInput, to: Date, reps: number) {
  const probe = (i: number) => input.probes[(i * 104_729) % input.probes.length].id;
  const cases = { '24h_300': [DAY, 300], '24h_1440': [DAY, 1440], '6d_300': [6 * DAY, 300] } as const;
  const out: Record<string, unknown> = {};
  for (const [name, [seconds, points]] of Object.entries(cases)) {
    const plan = planFor(new Date(to.getTime() - seconds * 1000), to, points);
    const filter = { workspaceId: input.workspaceId, type: 'PING', from: plan.from, to: plan.to, bucketSeconds: plan.bucketSeconds };
    const series = (source: typeof plan.source) => (i: number) => repo.series({ ...filter, probeId: probe(i) }, source);
    out[name] = {
      bucket_seconds: plan.bucketSeconds,
      source: plan.source,
      planned_ms: await timeRepeated(reps, series(plan.source)),
      raw_ms: await timeRepeated(reps, series('raw')),
    };
  }
  return out;
}

const INSERT_BATCHES = [1, 100, 1000];

/**
 * What an ingest flush costs the store: `INSERT` of 1, 100 and 1,000 results (one per probe, now)
 * into probe_results through the store's JSONEachRow path, with the materialized views the
 * migrations created and, for comparison, with them detached.
 */
async function insertLatency(store: TimeSeriesStore, input: ChartStoreInput, reps: number) {
  const views = await store.query<{ name: string }>(
    `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'MaterializedView' ORDER BY name`,
  );
  const row = (k: number, rep: number) => {
    const p = input.probes[(rep * 7 + k) % input.probes.length];
    return probeResultRow(Date.now(), 5 + ((rep + k) % 40), {
      workspace_id: input.workspaceId,
      probe_id: p.id,
      agent_id: p.agentId,
      probe_agent_id: p.agentId,
      jitter_ms: 0.4,
      payload: '{"sent":5,"received":5}',
    });
  };

  const timeBatches = async () => {
    const out: Record<string, unknown> = {};
    for (const size of INSERT_BATCHES) {
      out[`rows_${size}`] = await timeRepeated(reps, (i) => store.insert('probe_results', Array.from({ length: size }, (_, k) => row(k, i))));
    }
    return out;
  };
  const withViews = await timeBatches();
  for (const v of views) await store.command(`DETACH TABLE ${v.name}`);
  let withoutViews: Record<string, unknown>;
  try {
    withoutViews = await timeBatches();
  } finally {
    for (const v of views) await store.command(`ATTACH TABLE ${v.name}`);
  }
  return { views: views.map((v) => v.name), with_views_ms: withViews, without_views_ms: withoutViews };
}

async function activeParts(store: TimeSeriesStore): Promise<Record<string, number>> {
  const rows = await store.query<{ table: string; parts: number }>(
    `SELECT table, count() AS parts FROM system.parts WHERE active AND database = currentDatabase()
       AND table IN ('probe_results', 'probe_rollup_1h') GROUP BY table`,
  );
  return Object.fromEntries(rows.map((r) => [r.table, Number(r.parts)]));
}

async function main(): Promise<void> {
  const [inputFile, outputFile] = process.argv.slice(2);
  const input = JSON.parse(readFileSync(inputFile, 'utf8')) as ChartStoreInput;
  const chDir = join(input.dataDir, 'ch');
  const store = new TimeSeriesStore(createClickHouseClient({ dataDir: input.dataDir }));
  await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS);
  const dataset = await generate(store, input);
  process.stderr.write(`charts: dataset ${JSON.stringify(dataset.rows)} built in ${dataset.build_seconds} s\n`);
  const to = new Date();
  const plan = planFor(new Date(to.getTime() - input.days * DAY * 1000), to, 300);
  const planned = { bucket_seconds: plan.bucketSeconds, source: plan.source, buckets: plan.buckets };
  // As built: the parts the inserts left (background merges have had little time).
  const asBuilt = {
    parts: await activeParts(store),
    ...(await measure(store, input, { ...input.reps, chartRaw: true, overview24h: input.reps.overviewRollup, shortCharts: true })),
  };
  // Merged: what a table that has lived for a while looks like (one part per monthly partition).
  const merge = await timed(async () => {
    await store.command('OPTIMIZE TABLE probe_rollup_1h FINAL');
  });
  const merged = {
    optimize_seconds: merge.seconds,
    parts: await activeParts(store),
    ...(await measure(store, input, { chart: input.reps.chart, overviewRollup: 0, overviewRaw: 0, chartRaw: false, overview24h: input.reps.overviewRollup })),
  };
  // The HTTP transport against a loopback fixture serving the same directory (sessions on one path coexist).
  const fixture = await startClickHouseHttpFixture(chDir);
  const httpStore = new TimeSeriesStore(createClickHouseClient({ dataDir: input.dataDir, clickhouseUrl: fixture.url }));
  let http: Record<string, unknown>;
  try {
    http = await measure(httpStore, input, { chart: input.reps.http, overviewRollup: 0, overviewRaw: 0, chartRaw: true, overview24h: Math.ceil(input.reps.http / 4) });
  } finally {
    await httpStore.close();
    await fixture.close();
  }
  // Last: the inserts add parts, which would change what the timings above read.
  const inserts = await insertLatency(store, input, input.reps.inserts);
  const chdb = { plan: planned, as_built: asBuilt, merged, inserts };
  await store.close();
  writeFileSync(outputFile, JSON.stringify({ dataset, chdb, http_fixture: { after_merge: true, ...http } }));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`chart-store failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
