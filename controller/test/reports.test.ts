import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { probeResultRow } from './fixtures';
import { createAgent, db, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

const HOUR = 3_600_000;
/** Yesterday 00:00 UTC: inside the raw retention, whole hours for the rollup. */
const BASE = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000;
const RANGE = `from=${new Date(BASE).toISOString()}&to=${new Date(BASE + 4 * HOUR).toISOString()}`;

function pdfText(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'nw-report-'));
  const file = join(dir, 'report.pdf');
  writeFileSync(file, pdf);
  return new Promise((resolve, reject) =>
    execFile('pdftotext', ['-layout', file, '-'], (err, stdout) => {
      rmSync(dir, { recursive: true, force: true });
      if (err) reject(err);
      else resolve(stdout);
    }),
  );
}

describe('reports (availability, alerts, overview) on figures computed by hand', () => {
  let t: TestApp;
  let f: RoleFixture;
  let office: number;
  let cloud: number;
  let officePing: number;
  let cloudPing: number;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    f = await workspaceWithRoles(new Http(t.url));
    office = (await createAgent(f.admin, f.ws, { name: 'office' })).agent.id;
    cloud = (await createAgent(f.admin, f.ws, { name: 'cloud' })).agent.id;
    const ping = async (agent: number, target: string, name: string): Promise<number> =>
      (await f.admin.http.post(`/workspaces/${f.ws}/agents/${agent}/probes`, { type: 'PING', targets: [target], labels: { name } })).body.id;
    officePing = await ping(office, '192.0.2.10', 'office uplink');
    cloudPing = await ping(cloud, '192.0.2.20', 'cloud uplink');

    const rows = [];
    const at = (hour: number, i: number): number => BASE + hour * HOUR + i * 60_000;
    const office_ = { workspace_id: f.ws, probe_id: officePing, agent_id: office, probe_agent_id: office, target: '192.0.2.10' };
    const cloud_ = { workspace_id: f.ws, probe_id: cloudPing, agent_id: cloud, probe_agent_id: cloud, target: '192.0.2.20' };
    // office: hour 0 clean at 25 ms (10 results), hour 1 down (10 results, all lost), hour 2 half lost at 25 ms (20 results).
    for (let i = 0; i < 10; i++) rows.push(probeResultRow(at(0, i), 25, { ...office_, loss_pct: 0 }));
    for (let i = 0; i < 10; i++) rows.push(probeResultRow(at(1, i), null, { ...office_, loss_pct: 100 }));
    for (let i = 0; i < 20; i++) rows.push(probeResultRow(at(2, i), 25, { ...office_, loss_pct: 50 }));
    // cloud: hours 0 and 1 clean at 80 ms (10 results each).
    for (let i = 0; i < 10; i++) rows.push(probeResultRow(at(0, i), 80, { ...cloud_, loss_pct: 0 }));
    for (let i = 0; i < 10; i++) rows.push(probeResultRow(at(1, i), 80, { ...cloud_, loss_pct: 0 }));
    // Outside the range: never counted.
    rows.push(probeResultRow(BASE - 5 * HOUR, 999, { ...office_, loss_pct: 100 }));
    await t.app.get(TimeSeriesStore).insert('probe_results', rows);

    // Alerts: two critical (acknowledged after 60 s and 120 s, resolved after 600 s and 300 s), one warning still active.
    const alert = (severity: string, status: string, triggered: number, ackS: number | null, resS: number | null) =>
      db(t).query(
        `INSERT INTO alerts (workspace_id, series_key, metric, value, threshold, severity, status, triggered_at, acknowledged_at, resolved_at)
         VALUES ($1, $2, 'packet_loss', 100, 5, $3, $4, $5, $6, $7)`,
        [f.ws, `k${triggered}`, severity, status, new Date(triggered), ackS === null ? null : new Date(triggered + ackS * 1000), resS === null ? null : new Date(triggered + resS * 1000)],
      );
    await alert('critical', 'resolved', BASE + HOUR, 60, 600);
    await alert('critical', 'resolved', BASE + 2 * HOUR, 120, 300);
    await alert('warning', 'active', BASE + 3 * HOUR, null, null);
    await alert('critical', 'resolved', BASE - 10 * HOUR, 1, 1);
  });
  afterAll(async () => {
    await t?.close();
  });

  const officeFigures = {
    samples: 40,
    hours_measured: 3,
    hours_up: 2,
    availability_pct: 66.667,
    loss_pct: 50, // (0·10 + 100·10 + 50·20) / 40
    rtt_p50_ms: 25,
    rtt_p95_ms: 25,
    rtt_p99_ms: 25,
    breach_hours: 0,
    breach_pct: 0,
  };
  const cloudFigures = { samples: 20, hours_measured: 2, hours_up: 2, availability_pct: 100, loss_pct: 0, rtt_p50_ms: 80, rtt_p95_ms: 80, rtt_p99_ms: 80, breach_hours: 2, breach_pct: 100 };

  it('computes availability, loss, latency percentiles and target breaches per probe and target', async () => {
    const res = await f.user.http.get(`/workspaces/${f.ws}/reports/sla?${RANGE}&target_latency_ms=50`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ workspace: { id: f.ws }, from: new Date(BASE).toISOString(), to: new Date(BASE + 4 * HOUR).toISOString(), group_by: 'probe', target_latency_ms: 50 });
    expect(res.body.rows).toEqual([
      { probe_id: officePing, probe_name: 'office uplink', agent_id: office, agent_name: 'office', target: '192.0.2.10', ...officeFigures },
      { probe_id: cloudPing, probe_name: 'cloud uplink', agent_id: cloud, agent_name: 'cloud', target: '192.0.2.20', ...cloudFigures },
    ]);
  });

  it('groups by agent and by target, and rounds the range out to whole hours', async () => {
    const byAgent = await f.user.http.get(`/workspaces/${f.ws}/reports/sla?from=${new Date(BASE + 60_000).toISOString()}&to=${new Date(BASE + 3 * HOUR + 1).toISOString()}&target_latency_ms=50&group_by=agent`);
    expect(byAgent.body.from).toBe(new Date(BASE).toISOString());
    expect(byAgent.body.to).toBe(new Date(BASE + 4 * HOUR).toISOString());
    expect(byAgent.body.rows).toEqual([
      { probe_id: null, probe_name: null, agent_id: office, agent_name: 'office', target: null, ...officeFigures },
      { probe_id: null, probe_name: null, agent_id: cloud, agent_name: 'cloud', target: null, ...cloudFigures },
    ]);
    const byTarget = await f.user.http.get(`/workspaces/${f.ws}/reports/sla?${RANGE}&target_latency_ms=100&group_by=target`);
    expect(byTarget.body.rows.map((r: any) => [r.target, r.breach_hours])).toEqual([
      ['192.0.2.10', 0],
      ['192.0.2.20', 0],
    ]);
  });

  it('summarises alerts by severity with the times to acknowledge and resolve', async () => {
    const res = await f.user.http.get(`/workspaces/${f.ws}/reports/alerts?${RANGE}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.by_severity).toEqual([
      { severity: 'critical', count: 2, acknowledged: 2, resolved: 2, still_active: 0, mean_seconds_to_acknowledge: 90, median_seconds_to_acknowledge: 90, mean_seconds_to_resolve: 450, median_seconds_to_resolve: 450 },
      { severity: 'warning', count: 1, acknowledged: 0, resolved: 0, still_active: 1, mean_seconds_to_acknowledge: null, median_seconds_to_acknowledge: null, mean_seconds_to_resolve: null, median_seconds_to_resolve: null },
    ]);
  });

  it('gives the workspace overview', async () => {
    const res = await f.user.http.get(`/workspaces/${f.ws}/reports/overview?${RANGE}&target_latency_ms=50`);
    expect(res.body).toMatchObject({ agents: 2, probes_by_type: { PING: 2, NETINFO: 2, SYSINFO: 2 }, alerts: { total: 3, still_active: 1 } });
    expect(res.body.availability_by_agent.map((r: any) => [r.agent_name, r.availability_pct])).toEqual([
      ['office', 66.667],
      ['cloud', 100],
    ]);
  });

  it('writes CSV with the same figures, and a PDF whose text says the same', async () => {
    const csv = await f.user.http.get(`/workspaces/${f.ws}/reports/sla?${RANGE}&target_latency_ms=50&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="netwatcher-sla-workspace-${f.ws}.csv"`);
    expect((csv.body as string).split('\r\n')).toEqual([
      'probe_id,probe,agent,target,samples,hours_measured,availability_pct,loss_pct,rtt_p50_ms,rtt_p95_ms,rtt_p99_ms,breach_hours,breach_pct',
      `${officePing},office uplink,office,192.0.2.10,40,3,66.667,50,25,25,25,0,0`,
      `${cloudPing},cloud uplink,cloud,192.0.2.20,20,2,100,0,80,80,80,2,100`,
      '',
    ]);

    const pdf = await fetch(`${t.url}/workspaces/${f.ws}/reports/overview?${RANGE}&target_latency_ms=50&format=pdf`, { headers: { authorization: `Bearer ${f.user.token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(bytes);
    expect(text).toContain('NetWatcher workspace overview');
    expect(text).toContain('Alerts triggered: 3, still active: 1');
    expect(text).toMatch(/office\s+40\s+3\s+66\.667\s+50\s+25\s+25\s+25\s+0\s+0/);
    expect(text).toMatch(/cloud\s+20\s+2\s+100\s+0\s+80\s+80\s+80\s+2\s+100/);
  });

  it('refuses bad ranges and parameters with 400, outsiders with 404', async () => {
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?from=2024-02-30T00:00:00Z`), 400, 'invalid_time');
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?from=${new Date(BASE).toISOString()}&to=${new Date(BASE - HOUR).toISOString()}`), 400, 'invalid_time');
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`), 400, 'invalid_time', /at most 1100 days/);
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?format=xls`), 400, 'validation_failed');
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?group_by=planet`), 400, 'validation_failed');
    expectError(await f.user.http.get(`/workspaces/${f.ws}/reports/sla?target_latency_ms=0`), 400, 'validation_failed');
    for (const path of ['sla', 'alerts', 'overview']) expectError(await f.outsider.http.get(`/workspaces/${f.ws}/reports/${path}`), 404, 'not_found');
  });
});
