import { randomUUID } from 'node:crypto';
import { AgentsService } from '../src/agents/agents.service';
import { CreateAgentDto } from '../src/agents/dto/agent.dto';
import { idParam } from '../src/common/id-param';
import { ProbeChartQuery, ProbeOverviewQuery } from '../src/probe-data/dto/probe-chart-query.dto';
import { ProbeChartService } from '../src/probe-data/probe-chart.service';
import { ProbeDataModule } from '../src/probe-data/probe-data.module';
import type { ProbeResultRow } from '../src/probe-results/probe-result.row';
import { ProbeChartRepository } from '../src/probe-results/probe-chart.repository';
import { CreateProbeDto } from '../src/probes/dto/probe.dto';
import { ProbesService } from '../src/probes/probes.service';
import { TimeSeriesStore } from '../src/timeseries/timeseries.store';
import { probeResultRow } from './fixtures';
import { expectServiceError, seedUser, seedWorkspace, ServiceTier, startServiceTier, validated } from './support/service-tier';
import { describeOnEachDatabase } from './support/test-app';

// Service tier: ProbeChartService with the probes it reads (PostgreSQL or PGlite) and the real
// chDB store, no HTTP. The routes' authentication and cross-workspace answers are in
// cross-workspace.test.ts; the query DTOs go through the app's own validation pipe here.

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Two days ago at 00:00 UTC: recent enough for the raw table's 90-day TTL, and whole hours either side. */
const BASE = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
const isoAt = (ms: number) => new Date(ms).toISOString();

interface Sample {
  at: number;
  rtt: number | null;
  loss: number;
  target?: string;
}

function row(workspaceId: number, probeId: number, agentId: number, s: Sample): ProbeResultRow {
  return probeResultRow(s.at, s.rtt, {
    workspace_id: workspaceId,
    probe_id: probeId,
    agent_id: agentId,
    probe_agent_id: agentId,
    target: s.target ?? '10.0.0.1',
    loss_pct: s.loss,
    rtt_max_ms: s.rtt === null ? null : s.rtt + 2,
    jitter_ms: s.rtt === null ? null : 0.5,
  });
}

/**
 * Hour 0: one result a minute, RTT 10…19 ms, with a five-minute total-loss run (minutes 10–14,
 * RTT NULL). Hour 1: RTT 20…24 ms at 20 % loss. Plus single results just before hour 0, just
 * after hour 1, far outside the window, and toward a second target.
 */
function dataset(): Sample[] {
  const samples: Sample[] = [];
  for (let m = 0; m < 60; m++) {
    const lost = m >= 10 && m < 15;
    samples.push({ at: BASE + m * MINUTE + 5_000, rtt: lost ? null : 10 + (m % 10), loss: lost ? 100 : 0 });
  }
  for (let m = 0; m < 60; m++) samples.push({ at: BASE + HOUR + m * MINUTE + 5_000, rtt: 20 + (m % 5), loss: 20 });
  samples.push({ at: BASE - 10 * MINUTE, rtt: 5, loss: 0 });
  samples.push({ at: BASE + 2 * HOUR + 5 * MINUTE, rtt: 30, loss: 0 });
  samples.push({ at: BASE - 2 * HOUR, rtt: 99, loss: 0 });
  samples.push({ at: BASE - 5 * HOUR + MINUTE, rtt: 40, loss: 0, target: '10.0.0.2' });
  samples.push({ at: BASE - 5 * HOUR + 2 * MINUTE, rtt: 42, loss: 0, target: '10.0.0.2' });
  return samples;
}

/** Hour 0's expected figures: the lost minutes count in samples and loss, never in RTT. */
const HOUR0_RTTS = Array.from({ length: 60 }, (_, m) => m).filter((m) => m < 10 || m >= 15).map((m) => 10 + (m % 10));
const HOUR0_AVG = HOUR0_RTTS.reduce((a, b) => a + b, 0) / HOUR0_RTTS.length;

describeOnEachDatabase('probe charts', (mode) => {
  let t: ServiceTier;
  let charts: ProbeChartService;
  let alice: number;
  let bob: number;
  let ws: number;
  let otherWs: number;
  let ping: number;
  let mtr: number;
  let sysinfo: number;
  let idle: number;
  let otherPing: number;
  let busy: number;
  let repo: ProbeChartRepository;

  /** GET …/probes/:probeId/chart?query as `user`: the query validated as the route does, then the service. */
  const chart = async (probeId: number, query: string, user = alice, workspaceId = ws) =>
    charts.chart(user, workspaceId, probeId, await validated(ProbeChartQuery, query));
  const overview = async (query: string, user = alice, workspaceId = ws) =>
    charts.overview(user, workspaceId, await validated(ProbeOverviewQuery, query));

  async function createAgent(userId: number, workspaceId: number): Promise<number> {
    const dto = await validated(CreateAgentDto, { name: `agent-${randomUUID().slice(0, 8)}` }, 'body');
    return (await t.get(AgentsService).create(userId, workspaceId, dto)).agent.id;
  }

  async function createProbe(userId: number, workspaceId: number, agentId: number, body: Record<string, unknown>): Promise<number> {
    return (await t.get(ProbesService).create(userId, workspaceId, agentId, await validated(CreateProbeDto, body, 'body'))).id;
  }

  beforeAll(async () => {
    t = await startServiceTier(mode, [ProbeDataModule], { timeSeries: true });
    charts = t.get(ProbeChartService);
    alice = await seedUser(t.db, 'alice');
    bob = await seedUser(t.db, 'bob');
    ws = await seedWorkspace(t.db, alice);
    otherWs = await seedWorkspace(t.db, bob);
    const agent = await createAgent(alice, ws);
    ping = await createProbe(alice, ws, agent, { type: 'PING', targets: ['10.0.0.1', '10.0.0.2'] });
    mtr = await createProbe(alice, ws, agent, { type: 'MTR', targets: ['10.0.0.1'] });
    sysinfo = await createProbe(alice, ws, agent, { type: 'SYSINFO' });
    idle = await createProbe(alice, ws, agent, { type: 'PING', targets: ['10.0.0.9'] });
    const otherAgent = await createAgent(bob, otherWs);
    otherPing = await createProbe(bob, otherWs, otherAgent, { type: 'PING', targets: ['10.0.0.1'] });
    // Every 5 s toward 10 targets: a day of it is far more raw rows than a chart may read.
    const tenTargets = Array.from({ length: 10 }, (_, i) => `10.0.1.${i + 1}`);
    busy = await createProbe(bob, otherWs, otherAgent, { type: 'PING', targets: tenTargets, interval_sec: 5, timeout_sec: 5 });

    const store = t.get(TimeSeriesStore);
    repo = new ProbeChartRepository(store);
    const samples = dataset();
    await store.insert('probe_results', [
      ...samples.map((s) => row(ws, ping, agent, s)),
      // Same probe id in another workspace, and the other workspace's own probe: neither may leak in.
      ...samples.map((s) => row(otherWs, ping, otherAgent, { ...s, rtt: 500, loss: 50 })),
      ...samples.map((s) => row(otherWs, otherPing, otherAgent, { ...s, rtt: 700, loss: 70 })),
      ...samples.map((s) => row(otherWs, busy, otherAgent, s)),
    ]);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers a 2-hour, 3-point chart from the hourly rollup without letting lost runs pull RTT toward 0', async () => {
    const res = await chart(ping, `from=${isoAt(BASE)}&to=${isoAt(BASE + 2 * HOUR - 1000)}&points=3`);
    expect(res).toMatchObject({
      probe_id: ping,
      type: 'PING',
      from: isoAt(BASE),
      to: isoAt(BASE + 2 * HOUR),
      bucket_seconds: 3600,
      source: 'rollup_1h',
    });
    const [h0, h1] = res.data;
    expect(res.data).toHaveLength(2);
    expect(h0.bucket).toBe(isoAt(BASE));
    expect(h0.samples).toBe(60);
    expect(h0.loss_pct).toBeCloseTo((5 * 100) / 60, 6);
    expect(h0.rtt_min_ms).toBe(9);
    expect(h0.rtt_max_ms).toBe(21);
    expect(h0.rtt_avg_ms).toBeCloseTo(HOUR0_AVG, 6);
    expect(h0.rtt_p95_ms).toBeGreaterThanOrEqual(18);
    expect(h0.rtt_p95_ms).toBeLessThanOrEqual(19);
    expect(h0.jitter_ms).toBeCloseTo(0.5, 6);
    expect(h1).toMatchObject({ bucket: isoAt(BASE + HOUR), samples: 60, rtt_min_ms: 19, rtt_max_ms: 26 });
    expect(h1.loss_pct).toBeCloseTo(20, 6);
    expect(h1.rtt_avg_ms).toBeCloseTo(22, 6);
  });

  it('uses 10-minute buckets from raw rows, with an all-lost bucket as loss 100 and null RTT', async () => {
    const res = await chart(ping, `from=${isoAt(BASE)}&to=${isoAt(BASE + HOUR - 1000)}&points=7`);
    expect(res).toMatchObject({ bucket_seconds: 600, source: 'raw', from: isoAt(BASE), to: isoAt(BASE + HOUR) });
    const second = res.data[1];
    expect(second.bucket).toBe(isoAt(BASE + 10 * MINUTE));
    expect(second.samples).toBe(10);
    expect(second.loss_pct).toBeCloseTo(50, 6);
    expect(second.rtt_min_ms).toBe(14); // minutes 15–19 answered with 15…19 ms; min column is rtt − 1
    expect(second.rtt_avg_ms).toBeCloseTo(17, 6);

    const fine = await chart(ping, `from=${isoAt(BASE + 10 * MINUTE)}&to=${isoAt(BASE + 15 * MINUTE - 1000)}&points=10`);
    expect(fine).toMatchObject({ bucket_seconds: 60, source: 'raw' });
    expect(fine.data).toHaveLength(5);
    for (const bucket of fine.data) {
      expect(bucket).toMatchObject({ samples: 1, loss_pct: 100, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, rtt_p95_ms: null, jitter_ms: null });
    }
  });

  it('answers sub-minute buckets from raw rows and shows empty buckets as gaps', async () => {
    const res = await chart(ping, `from=${isoAt(BASE)}&to=${isoAt(BASE + 2 * HOUR - 1000)}`);
    expect(res).toMatchObject({ bucket_seconds: 30, source: 'raw' });
    expect(res.data).toHaveLength(240);
    const withSamples = res.data.filter((b: { samples: number }) => b.samples > 0);
    expect(withSamples).toHaveLength(120);
    expect(res.data[1]).toEqual({
      bucket: isoAt(BASE + 30_000),
      samples: 0,
      loss_pct: null,
      rtt_min_ms: null,
      rtt_avg_ms: null,
      rtt_max_ms: null,
      rtt_p95_ms: null,
      jitter_ms: null,
      download_mbps: null,
      upload_mbps: null,
    });
    expect(res.data[0]).toMatchObject({ samples: 1, rtt_avg_ms: 10, rtt_min_ms: 9, rtt_max_ms: 12, loss_pct: 0 });
  });

  it('gives the same figures from raw rows and from the hourly rollup', async () => {
    for (const bucketSeconds of [3600, 7200, 10800]) {
      const filter = { workspaceId: ws, probeId: ping, type: 'PING', from: new Date(BASE - 6 * HOUR), to: new Date(BASE + 3 * HOUR), bucketSeconds };
      const raw = await repo.series(filter, 'raw');
      const perHour = await repo.series(filter, 'rollup_1h');
      expect(raw.reduce((n, r) => n + r.samples, 0)).toBe(dataset().length);
      expect(perHour.map((r) => [r.t, r.samples, r.rtt_min_ms, r.rtt_max_ms])).toEqual(raw.map((r) => [r.t, r.samples, r.rtt_min_ms, r.rtt_max_ms]));
      perHour.forEach((r, i) => {
        expect(r.loss_pct).toBeCloseTo(raw[i].loss_pct as number, 9);
        expect(r.rtt_avg_ms).toBeCloseTo(raw[i].rtt_avg_ms as number, 9);
        expect(r.jitter_ms).toBeCloseTo(raw[i].jitter_ms as number, 9);
        expect(Math.abs((r.rtt_p95_ms as number) - (raw[i].rtt_p95_ms as number))).toBeLessThan(1);
      });
    }
  });

  it('widens the buckets to whole hours from the rollup when a probe has more raw rows than a chart may read', async () => {
    const res = await chart(busy, `from=${isoAt(BASE)}&to=${isoAt(BASE + 24 * HOUR - 1000)}`, bob, otherWs);
    expect(res).toMatchObject({ bucket_seconds: 3600, source: 'rollup_1h', from: isoAt(BASE), to: isoAt(BASE + 24 * HOUR) });
    expect(res.data).toHaveLength(24);
    expect(res.data[0]).toMatchObject({ samples: 60, rtt_min_ms: 9, rtt_max_ms: 21 });
    expect(res.data[0].rtt_avg_ms).toBeCloseTo(HOUR0_AVG, 6);
    expect(res.data[1]).toMatchObject({ samples: 60, rtt_min_ms: 19, rtt_max_ms: 26 });
    // One target of it is a tenth of the rows: within the budget, so 5-minute buckets from raw rows.
    const one = await chart(busy, `from=${isoAt(BASE)}&to=${isoAt(BASE + 24 * HOUR - 1000)}&target=10.0.0.1`, bob, otherWs);
    expect(one).toMatchObject({ bucket_seconds: 300, source: 'raw' });
    expect(one.data.reduce((n: number, b: { samples: number }) => n + b.samples, 0)).toBe(121);
  });

  it('charts only the requested target', async () => {
    const window = `from=${isoAt(BASE - 5 * HOUR)}&to=${isoAt(BASE - 4 * HOUR - 1000)}&points=2`;
    const second = await chart(ping, `${window}&target=10.0.0.2`);
    expect(second.data.map((b: { samples: number }) => b.samples)).toEqual([2]);
    expect(second.data[0].rtt_avg_ms).toBeCloseTo(41, 6);
    const first = await chart(ping, `${window}&target=10.0.0.1`);
    expect(first.data.map((b: { samples: number }) => b.samples)).toEqual([0]);
  });

  it('defaults to the last 24 hours in 5-minute buckets', async () => {
    const before = Date.now();
    const res = await chart(ping, '');
    expect(res).toMatchObject({ bucket_seconds: 300, source: 'raw' });
    expect(Date.parse(res.to)).toBeGreaterThan(before);
    expect(Date.parse(res.to) - Date.parse(res.from)).toBeGreaterThanOrEqual(86_400_000);
    expect(res.data.length).toBeLessThanOrEqual(300);
  });

  it('charts an MTR probe from its MTR results', async () => {
    const res = await chart(mtr, `from=${isoAt(BASE)}&to=${isoAt(BASE + HOUR)}`);
    expect(res.type).toBe('MTR');
    expect(res.data.every((b: { samples: number }) => b.samples === 0)).toBe(true);
  });

  it('summarizes every chartable probe of the workspace, the same from raw rows and from the rollups', async () => {
    const from = BASE - 30 * MINUTE;
    const to = BASE + 3 * HOUR;
    const res = await overview(`from=${isoAt(from)}&to=${isoAt(to)}`);
    // Three probes over 3.5 hours are far below the raw-rows budget: the exact answer is cheapest.
    expect(res).toMatchObject({ from: isoAt(from), to: isoAt(to), source: 'raw', total: 3, limit: 100, offset: 0 });
    expect(res.data.map((p: { probe_id: number }) => p.probe_id)).toEqual([ping, mtr, idle]);
    const [p, m, i] = res.data;
    // Hours 0 and 1, plus the results 10 minutes before and 2 h 5 min after; not the one 2 h before.
    expect(p).toMatchObject({ type: 'PING', targets: ['10.0.0.1', '10.0.0.2'], samples: 122, rtt_min_ms: 4, rtt_max_ms: 32 });
    expect(p.loss_pct).toBeCloseTo((500 + 60 * 20) / 122, 6);
    expect(p.last_seen).toBe(isoAt(BASE + 2 * HOUR + 5 * MINUTE));
    expect(m).toMatchObject({ type: 'MTR', samples: 0, loss_pct: null, rtt_avg_ms: null, last_seen: null });
    expect(i).toMatchObject({ samples: 0, last_seen: null });

    const paged = await overview(`from=${isoAt(from)}&to=${isoAt(to)}&limit=1&offset=1`);
    expect(paged).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(paged.data.map((x: { probe_id: number }) => x.probe_id)).toEqual([mtr]);
  });

  it('gives the same overview from the hourly rollup plus raw ends as from raw rows alone', async () => {
    const windows: [number, number][] = [
      [BASE - 30 * MINUTE, BASE + 3 * HOUR],
      // Ends inside hours; `to` exactly on a sample, which counts.
      [BASE - HOUR + 7 * MINUTE + 2_500, BASE + 2 * HOUR + 5 * MINUTE],
      // To the millisecond: `from` on hour 0's first sample, which counts, then just after it.
      [BASE + 5_000, BASE + 3 * HOUR],
      [BASE + 5_001, BASE + 3 * HOUR],
      // A sample exactly on the hour (BASE − 2 h): first in the hourly part, then first in the tail.
      [BASE - 2 * HOUR - 30 * MINUTE, BASE + 30 * MINUTE],
      [BASE - 4 * HOUR, BASE - 30 * MINUTE],
      // From on the hour: no head, the tail only.
      [BASE - 6 * HOUR, BASE + HOUR + 30 * MINUTE + 5_000],
      // Shorter than two hours: no whole hour in the rollup's part, raw rows only.
      [BASE + 10 * MINUTE, BASE + 50 * MINUTE],
    ];
    for (const [from, to] of windows) {
      const filter = { workspaceId: ws, probeIds: [ping, mtr], from: new Date(from), to: new Date(to) };
      const raw = await repo.overview(filter, 'raw');
      const rollup = await repo.overview(filter, 'rollup');
      expect(raw.length).toBe(1);
      expect(rollup.map((r) => [r.probe_id, r.type, r.samples, r.rtt_min_ms, r.rtt_max_ms, r.last_seen])).toEqual(
        raw.map((r) => [r.probe_id, r.type, r.samples, r.rtt_min_ms, r.rtt_max_ms, r.last_seen]),
      );
      expect(rollup[0].loss_pct).toBeCloseTo(raw[0].loss_pct as number, 9);
      expect(rollup[0].rtt_avg_ms).toBeCloseTo(raw[0].rtt_avg_ms as number, 9);
      expect(Math.abs((rollup[0].rtt_p95_ms as number) - (raw[0].rtt_p95_ms as number))).toBeLessThan(1);
    }
    const [wide] = await repo.overview({ workspaceId: ws, probeIds: [ping], from: new Date(BASE - 30 * MINUTE), to: new Date(BASE + 3 * HOUR) }, 'rollup');
    expect(wide).toMatchObject({ samples: 122, last_seen: (BASE + 2 * HOUR + 5 * MINUTE) / 1000 });
  });

  it('never shows another workspace: 404 for its workspace and for its probes under ours', async () => {
    const window = `from=${isoAt(BASE)}&to=${isoAt(BASE + HOUR)}`;
    await expectServiceError(chart(otherPing, window), 404, 'not_found', /probe not found/);
    await expectServiceError(chart(otherPing, window, alice, otherWs), 404, 'not_found');
    await expectServiceError(chart(ping, window, bob, ws), 404, 'not_found');
    await expectServiceError(overview('', bob, ws), 404, 'not_found');
    await expectServiceError(chart(999_999, window), 404, 'not_found', /probe not found/);
    // Bob's own chart sees only Bob's rows.
    const own = await chart(otherPing, `${window}&points=2`, bob, otherWs);
    expect(own.data[0]).toMatchObject({ samples: 60, rtt_avg_ms: 700 });
  });

  it('charts a SPEEDTEST probe\'s throughput from raw rows, even over buckets of hours, and leaves PING throughput null', async () => {
    const agent = await createAgent(alice, ws);
    const speed = await createProbe(alice, ws, agent, { type: 'SPEEDTEST' });
    // Hourly runs over six hours: 20, 21, … Mbit/s down, half that up, 40 ms under load.
    const rows = Array.from({ length: 6 }, (_, h) =>
      probeResultRow(BASE + h * HOUR + 7 * MINUTE, 40, {
        workspace_id: ws, probe_id: speed, agent_id: agent, probe_agent_id: agent, type: 'SPEEDTEST', target: '', loss_pct: null,
        download_mbps: 20 + h, upload_mbps: (20 + h) / 2,
      }),
    );
    await t.get(TimeSeriesStore).insert('probe_results', rows);
    const res = await chart(speed, `from=${isoAt(BASE)}&to=${isoAt(BASE + 6 * HOUR - 1000)}&points=4`);
    expect(res).toMatchObject({ type: 'SPEEDTEST', bucket_seconds: 7200, source: 'raw' });
    expect(res.data.map((p) => [p.samples, p.download_mbps, p.upload_mbps, p.rtt_avg_ms])).toEqual([
      [2, 20.5, 10.25, 40],
      [2, 22.5, 11.25, 40],
      [2, 24.5, 12.25, 40],
    ]);
    // The overview from the rollups reads SPEEDTEST rows raw over the whole range (no rollup holds them).
    const filter = { workspaceId: ws, probeIds: [speed], from: new Date(BASE - 30 * MINUTE), to: new Date(BASE + 6 * HOUR + 30 * MINUTE) };
    const [raw] = await repo.overview(filter, 'raw');
    const [rolled] = await repo.overview(filter, 'rollup');
    expect(raw).toMatchObject({ probe_id: speed, type: 'SPEEDTEST', samples: 6, rtt_avg_ms: 40 });
    expect(rolled).toMatchObject({ probe_id: speed, type: 'SPEEDTEST', samples: 6, rtt_avg_ms: 40, last_seen: raw.last_seen });
    const pingChart = await chart(ping, `from=${isoAt(BASE)}&to=${isoAt(BASE + 2 * HOUR - 1000)}&points=3`);
    expect(pingChart.data.every((p) => p.download_mbps === null && p.upload_mbps === null)).toBe(true);
  });

  it('refuses bad input with a 400 naming the problem', async () => {
    const cases: [string, string, RegExp][] = [
      ['points=1', 'validation_failed', /points must be/],
      ['points=5000', 'validation_failed', /points must be/],
      ['points=abc', 'validation_failed', /points must be/],
      ['from=yesterday', 'invalid_time', /from must be/],
      [`from=${isoAt(BASE + HOUR)}&to=${isoAt(BASE)}`, 'invalid_time', /from must not be after to/],
      ['type=SYSINFO', 'validation_failed', /type must be one of PING, MTR, SPEEDTEST, TRAFFICSIM/],
      ['target=' + 'x'.repeat(300), 'validation_failed', /target/],
      ['bogus=1', 'validation_failed', /bogus/],
    ];
    for (const [query, code, message] of cases) await expectServiceError(chart(ping, query), 400, code, message);
    await expectServiceError(chart(sysinfo, ''), 400, 'not_chartable', /charts exist for PING, MTR, SPEEDTEST, TRAFFICSIM, AGENT probes/);
    await expectServiceError(chart(ping, 'type=SPEEDTEST'), 400, 'not_chartable', /PING probe has no SPEEDTEST results/);
    await expectServiceError(chart(mtr, 'type=PING'), 400, 'not_chartable', /MTR probe has no PING results/);
    // The route's path parameter pipe.
    await expectServiceError((async () => idParam('probe id').transform('abc'))(), 400, 'invalid_id', /probe id/);
    await expectServiceError(overview('limit=0'), 400, 'validation_failed', /limit must be/);
    await expectServiceError(overview('to=12x'), 400, 'invalid_time', /to must be/);
  });
});
