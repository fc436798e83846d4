import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeResultRow } from '../src/probe-results/probe-result.row';
import { createClickHouseClient } from '../src/timeseries/clickhouse.client';
import { migrateClickHouse, splitStatements } from '../src/timeseries/clickhouse.migrator';
import { CLICKHOUSE_MIGRATIONS_DIR } from '../src/timeseries/timeseries.module';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { GrafanaQueryContext, renderGrafanaSql } from './support/grafana-sql';
import { chTimeAt, probeResultRow } from './fixtures';

const GRAFANA_DIR = join(__dirname, '..', '..', 'deploy', 'grafana');

interface Target {
  rawSql: string;
  datasource: { type: string; uid: string };
}
interface Dashboard {
  panels: { id: number; title: string; targets: Target[] }[];
  templating: { list: { name: string; query: string; datasource: { uid: string } }[] };
}
type Row = Record<string, string | number | null>;

const dashboard = JSON.parse(readFileSync(join(GRAFANA_DIR, 'dashboards', 'netwatcher.json'), 'utf8')) as Dashboard;

/** Yesterday 00:00 UTC: inside the raw table's retention. */
const BASE = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000;
const MIN = 60_000;
const at = (minute: number) => BASE + minute * MIN + 5_000;

function result(ws: number, agent: number, probe: number, type: string, target: string, minute: number, rtt: number | null, loss: number | null): ProbeResultRow & { received_at: string } {
  return {
    ...probeResultRow(at(minute), rtt, { workspace_id: ws, agent_id: agent, probe_agent_id: agent, probe_id: probe, type, target, loss_pct: loss, rtt_min_ms: rtt, rtt_max_ms: rtt }),
    received_at: chTimeAt(at(minute) + 1_000),
  };
}

/**
 * Two hours of generated results. Workspace 7: probe 11 (agent 1, PING) with RTT 10..19 ms in
 * turn and 20 % loss every 20th minute; probe 12 (agent 2, PING) at a flat 50 ms; probe 13
 * (agent 2, MTR) every 5 minutes; probe 14 (agent 2, SYSINFO) hourly, no RTT. Workspace 8 has
 * results the workspace-7 panels must never show.
 */
function generatedRows() {
  const rows = [];
  for (let m = 0; m < 120; m++) {
    rows.push(result(7, 1, 11, 'PING', '10.0.0.1', m, 10 + (m % 10), m % 20 === 0 ? 20 : 0));
    rows.push(result(7, 2, 12, 'PING', '10.0.0.2', m, 50, 0));
    if (m % 5 === 0) rows.push(result(7, 2, 13, 'MTR', '10.0.0.3', m, 30, 0));
    if (m % 60 === 0) rows.push(result(7, 2, 14, 'SYSINFO', '', m, null, null));
    if (m < 10) rows.push(result(8, 3, 21, 'PING', '10.0.0.1', m, 999, 100));
  }
  return rows;
}

describe('Grafana dashboard queries on chDB with the real schema', () => {
  let dataDir: string;
  let store: TimeSeriesStore;
  const ctx: GrafanaQueryContext = {
    fromMs: BASE,
    toMs: BASE + 120 * MIN - 1_000,
    intervalSeconds: 600,
    variables: { workspace: '7', agent: ['1', '2'], probe: ['11', '12'] },
  };
  const run = (sql: string, variables = ctx.variables) => store.query<Row>(renderGrafanaSql(sql, { ...ctx, variables }));

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'nw-grafana-'));
    store = new TimeSeriesStore(createClickHouseClient({ dataDir }));
    await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
    await store.insert('probe_results', generatedRows());
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const panel = (id: number) => {
    const found = dashboard.panels.find((p) => p.id === id);
    if (!found) throw new Error(`panel ${id} is gone from the dashboard`);
    return found.targets[0].rawSql;
  };
  const series = (rows: Row[], name: string) => rows.filter((r) => r.series === name);

  it('every panel and variable queries the provisioned ClickHouse data source, and each is checked below', () => {
    const provisioning = readFileSync(join(GRAFANA_DIR, 'provisioning', 'datasources', 'netwatcher-clickhouse.yaml'), 'utf8');
    expect(provisioning).toMatch(/uid: netwatcher-clickhouse/);
    expect(provisioning).toMatch(/type: grafana-clickhouse-datasource/);
    const targets = [...dashboard.panels.flatMap((p) => p.targets), ...dashboard.templating.list];
    for (const t of targets) expect(t.datasource.uid).toBe('netwatcher-clickhouse');
    // A new panel must come with expectations here.
    expect(dashboard.panels.map((p) => p.id).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['workspace', 'agent', 'probe']);
  });

  it('the template variables list workspaces, their agents and their chartable probes', async () => {
    const [workspace, agent, probe] = dashboard.templating.list;
    expect((await run(workspace.query)).map((r) => Number(r.workspace_id))).toEqual([7, 8]);
    expect((await run(agent.query)).map((r) => Number(r.agent_id))).toEqual([1, 2]);
    expect((await run(probe.query)).map((r) => Number(r.probe_id))).toEqual([11, 12, 13]);
    expect((await run(probe.query, { ...ctx.variables, agent: ['1'] })).map((r) => Number(r.probe_id))).toEqual([11]);
  });

  it('latency percentiles per probe: one row per 10-minute bucket and probe, from raw results', async () => {
    const rows = await run(panel(1));
    expect(Object.keys(rows[0])).toEqual(['time', 'series', 'p50', 'p95', 'p99']);
    expect(rows).toHaveLength(24);
    const p11 = series(rows, 'probe 11 → 10.0.0.1');
    expect(p11).toHaveLength(12);
    expect(p11[0].time).toBe(new Date(BASE).toISOString().replace('T', ' ').slice(0, 19));
    // Each bucket holds 10..19 ms once: median 14.5, p95 10 + 0.95·9, p99 10 + 0.99·9.
    for (const r of p11) {
      expect(r.p50).toBeCloseTo(14.5, 3);
      expect(r.p95).toBeCloseTo(18.55, 3);
      expect(r.p99).toBeCloseTo(18.91, 3);
    }
    expect(series(rows, 'probe 12 → 10.0.0.2').every((r) => r.p50 === 50 && r.p95 === 50 && r.p99 === 50)).toBe(true);
  });

  it('loss per probe: the 20 % minute every 20 minutes averages to 2 % in every other bucket', async () => {
    const rows = await run(panel(2));
    expect(Object.keys(rows[0])).toEqual(['time', 'series', 'loss_pct']);
    expect(series(rows, 'probe 11 → 10.0.0.1').map((r) => r.loss_pct)).toEqual([2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0]);
    expect(series(rows, 'probe 12 → 10.0.0.2').every((r) => r.loss_pct === 0)).toBe(true);
  });

  it('hourly latency comes from the rollup the migrations build', async () => {
    const rows = await run(panel(3));
    expect(Object.keys(rows[0])).toEqual(['time', 'series', 'samples', 'loss_pct', 'p50', 'p95', 'p99']);
    expect(rows).toHaveLength(4);
    const p11 = series(rows, 'probe 11 → 10.0.0.1');
    expect(p11.map((r) => Number(r.samples))).toEqual([60, 60]);
    // 3 minutes of 20 % in each hour: 60 / 60 = 1 %.
    expect(p11.map((r) => r.loss_pct)).toEqual([1, 1]);
    for (const r of p11) expect(Math.abs(Number(r.p50) - 14.5)).toBeLessThanOrEqual(1); // t-digest
    expect(series(rows, 'probe 12 → 10.0.0.2').map((r) => [r.p50, r.p95, r.p99])).toEqual([
      [50, 50, 50],
      [50, 50, 50],
    ]);
  });

  it('agents table: probes, results, newest result, loss and p95 per agent of the workspace', async () => {
    const rows = await run(panel(4));
    expect(Object.keys(rows[0])).toEqual(['agent', 'probes', 'results', 'last_result', 'loss_pct', 'rtt_p95_ms']);
    expect(rows.map((r) => [Number(r.agent), Number(r.probes), Number(r.results), r.loss_pct])).toEqual([
      [1, 1, 120, 1],
      [2, 3, 120 + 24 + 2, 0],
    ]);
    expect(rows[0].last_result).toBe(chTimeAt(at(119)));
    expect(rows[0].rtt_p95_ms).toBeCloseTo(19, 3);
    expect((await run(panel(4), { ...ctx.variables, agent: ['2'] })).map((r) => Number(r.agent))).toEqual([2]);
  });

  it('ingest rate: results per second by type over every workspace', async () => {
    const rows = await run(panel(5));
    expect(Object.keys(rows[0])).toEqual(['time', 'type', 'results_per_second']);
    const first = rows.filter((r) => r.time === rows[0].time);
    // Minutes 0-9: 10 + 10 PING in workspace 7, 10 in workspace 8; 2 MTR; 1 SYSINFO.
    expect(first.map((r) => [r.type, r.results_per_second])).toEqual([
      ['MTR', 2 / 600],
      ['PING', 30 / 600],
      ['SYSINFO', 1 / 600],
    ]);
    expect(rows.filter((r) => r.type === 'PING')).toHaveLength(12);
  });

  it('the read-only user script is valid ClickHouse SQL', async () => {
    const script = readFileSync(join(GRAFANA_DIR, 'clickhouse-readonly-user.sql'), 'utf8');
    const statements = splitStatements(script);
    expect(statements).toHaveLength(4);
    for (const sql of statements) {
      // formatQuery parses without executing: chDB has no access control to run it against.
      const [parsed] = await store.query<{ q: string }>('SELECT formatQuery({sql:String}) AS q', { sql });
      expect(parsed.q).toMatch(/^(CREATE SETTINGS PROFILE|CREATE USER|GRANT SELECT ON netwatcher\.)/);
    }
  });
});
