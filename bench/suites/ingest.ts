/**
 * Issue 5, item 2: N simulated agents (real Socket.IO connections, real PSK handshakes, enrolled
 * through the API) posting PING results to the real controller on the embedded default.
 * Figures: stored results/s, ack latency, controller CPU/RSS, and the exact count check.
 */
import { Api, countResults, storedIds } from '../lib/api';
import { sleep } from '../lib/concurrency';
import { startController } from '../lib/controller';
import { Fleet, fleetToken, openFleet } from '../lib/fleet';
import { LoadGenerators } from '../lib/load';
import type { LoadConfig } from '../lib/load-protocol';
import { ProcMonitor, readProc } from '../lib/proc';
import { round, summarize } from '../lib/stats';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';

const SUITE = 'ingest';
/** Offered load in every scenario: above the 20,000 results/s target, so the stored rate shows capacity. */
const OFFERED_PER_S = 25_000;
const AGENTS_PER_GENERATOR = 1250;

interface Scenario {
  agents: number;
  /** Capacity phase (offered above the target). */
  seconds: number;
  /** Latency phase (offered at half the capacity just measured). */
  latencySeconds: number;
  postIntervalMs: number;
}

const FULL: Scenario[] = [
  { agents: 100, seconds: 20, latencySeconds: 10, postIntervalMs: 250 },
  { agents: 1000, seconds: 20, latencySeconds: 10, postIntervalMs: 500 },
  { agents: 5000, seconds: 30, latencySeconds: 10, postIntervalMs: 1000 },
];
const QUICK: Scenario[] = [{ agents: 100, seconds: 8, latencySeconds: 4, postIntervalMs: 250 }];

export interface IdCheck {
  probes_checked: number;
  produced_ids: number;
  missing: number;
  unexpected: number;
  duplicated: number;
}

/** Every id produced for the tracked probes in this run is stored exactly once, and nothing else was stored for them since it started. */
export async function checkIds(api: Api, workspaceId: number, tracked: Record<string, string[]>, since: Date): Promise<IdCheck> {
  const check: IdCheck = { probes_checked: 0, produced_ids: 0, missing: 0, unexpected: 0, duplicated: 0 };
  for (const [probeId, produced] of Object.entries(tracked)) {
    const stored = await storedIds(api, workspaceId, Number(probeId), since);
    const storedSet = new Set(stored);
    const producedSet = new Set(produced);
    check.probes_checked++;
    check.produced_ids += produced.length;
    check.duplicated += stored.length - storedSet.size;
    check.missing += produced.filter((id) => !storedSet.has(id)).length;
    check.unexpected += [...storedSet].filter((id) => !producedSet.has(id)).length;
  }
  return check;
}

async function runScenario(s: Scenario, fleet: Fleet, dataDir: string, opts: SuiteOptions): Promise<Record<string, unknown>> {
  const agents = fleet.agents.slice(0, s.agents);
  const ctl = await startController({
    dataDir,
    nodeArgs: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`, `--cpu-prof-name=ingest-${s.agents}.cpuprofile`] : [],
  });
  const gens = LoadGenerators.spawn(Math.ceil(s.agents / AGENTS_PER_GENERATOR));
  try {
    const api = new Api(ctl.url, await fleetToken(ctl, fleet));
    const before = await countResults(api, fleet.workspaceId);
    const config: LoadConfig = {
      ratePerAgent: OFFERED_PER_S / s.agents,
      postIntervalMs: s.postIntervalMs,
      maxInflight: 4,
      connectConcurrency: 100,
      drainTimeoutMs: 60_000,
      maxLatencySamples: 200_000,
      trackProbeIds: [agents[0], agents[Math.floor(agents.length / 2)], agents[agents.length - 1]].map((a) => a.probeId),
    };
    const idleBefore = readProc(ctl.pid);
    const connect = await gens.connect(ctl.url, fleet.workspaceId, agents, config);
    log(SUITE, `${s.agents} agents: ${connect.connected} connected in ${connect.seconds} s (${connect.failed} failed)`);
    await sleep(1000);
    const idle = readProc(ctl.pid);
    // Phase 1, capacity: more than the target offered; what is stored per second is what one process carries.
    const monitor = new ProcMonitor(ctl.pid);
    monitor.mark();
    const startedAt = new Date();
    gens.start();
    const load = await gens.runFor(s.seconds, 3);
    const proc = monitor.window();
    // Phase 2, latency: half the measured capacity, so ack latency is the pipeline's, not a queue's.
    const steadyRate = Math.max(1, Math.round(load.stored_per_s / 2));
    gens.start(steadyRate / s.agents);
    const steady = await gens.runFor(s.latencySeconds, 2);
    await sleep(500);
    const stored = (await countResults(api, fleet.workspaceId)) - before;
    const tracked: Record<string, string[]> = {};
    for (const phase of [load.tracked, steady.tracked]) for (const [probe, ids] of Object.entries(phase)) tracked[probe] = [...(tracked[probe] ?? []), ...ids];
    const ids = await checkIds(api, fleet.workspaceId, tracked, startedAt);
    const saturated = summarize(load.latencies);
    const latency = summarize(steady.latencies);
    const produced = load.produced + steady.produced;
    const acked = load.acked + steady.acked;
    const rejected = load.rejected + steady.rejected;
    const zeroLoss = produced === stored && acked === produced && rejected === 0 && ids.missing + ids.unexpected + ids.duplicated === 0;
    log(SUITE, `${s.agents} agents: ${load.stored_per_s} stored/s; at ${steady.stored_per_s}/s ack p50 ${latency.median} ms p99 ${latency.p99} ms; produced ${produced} stored ${stored}`);
    return {
      agents: s.agents,
      seconds: s.seconds,
      post_interval_ms: s.postIntervalMs,
      results_per_post: round((config.ratePerAgent * s.postIntervalMs) / 1000, 1),
      connect: { ...connect, controller_rss_mb_before: round(idleBefore?.rssMb ?? NaN, 1), controller_rss_mb_connected: round(idle?.rssMb ?? NaN, 1) },
      offered_per_s: load.offered_per_s,
      stored_per_s: load.stored_per_s,
      ack_latency_at_capacity_ms: saturated,
      steady: { offered_per_s: steady.offered_per_s, stored_per_s: steady.stored_per_s, seconds: s.latencySeconds },
      ack_latency_ms: latency,
      controller: proc,
      count_check: {
        produced,
        acked,
        stored,
        rejected,
        unacked_after_drain: load.unacked_results + steady.unacked_results,
        ids,
        zero_loss: zeroLoss,
      },
      connection: { disconnects: load.disconnects + steady.disconnects, still_connected: steady.still_connected, error_messages: load.error_messages, unmatched_acks: load.unmatched_acks, busy_refusals: load.busy_refusals, resent_posts: load.resent_posts },
      errors: [...load.errors, ...steady.errors].slice(0, 10),
    };
  } finally {
    await gens.close();
    await ctl.stop();
  }
}

/** NW_BENCH_INGEST_AGENTS=5000 runs only that scenario (for a profile of one fleet size); unset runs all. */
function selectedScenarios(opts: SuiteOptions): Scenario[] {
  const all = opts.quick ? QUICK : FULL;
  const wanted = process.env.NW_BENCH_INGEST_AGENTS;
  if (!wanted) return all;
  const picked = all.filter((s) => String(s.agents) === wanted);
  if (picked.length === 0) throw new Error(`NW_BENCH_INGEST_AGENTS=${wanted} matches no scenario (${all.map((s) => s.agents).join(', ')})`);
  return picked;
}

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const scenarios = selectedScenarios(opts);
  const largest = Math.max(...scenarios.map((s) => s.agents));
  const fleetStarted = performance.now();
  const { fleet, dataDir, reused } = await openFleet(largest, { fresh: false, log: (m) => log(SUITE, m) });
  const fleetSeconds = round((performance.now() - fleetStarted) / 1000, 1);
  const results: Record<string, unknown>[] = [];
  for (const s of scenarios) results.push(await runScenario(s, fleet, dataDir, opts));

  type Figures = { agents: number; stored_per_s: number; connect: { connected: number }; connection: { disconnects: number }; count_check: { zero_loss: boolean; produced: number; stored: number } };
  const figures = results as unknown as Figures[];
  const biggest = figures[figures.length - 1];
  const best = figures.reduce((a, b) => (b.stored_per_s > a.stored_per_s ? b : a));
  const targets: TargetResult[] = [
    {
      id: 'agents_connected',
      label: 'Connected agents on one controller process',
      target: '≥ 5,000',
      value: `${biggest.connect.connected} of ${biggest.agents} connected, ${biggest.connection.disconnects} dropped under load`,
      met: opts.quick ? null : biggest.agents >= 5000 && biggest.connect.connected >= 5000 && biggest.connection.disconnects === 0,
      ...(opts.quick ? { reason: '--quick runs 100 agents only' } : {}),
    },
    {
      id: 'ingest_rate',
      label: 'Stored results per second, zero loss',
      target: '≥ 20,000 results/s, produced = stored',
      value: figures.map((f) => `N=${f.agents}: ${f.stored_per_s}/s (${f.count_check.produced} produced, ${f.count_check.stored} stored)`).join('; '),
      met: best.stored_per_s >= 20_000 && figures.every((f) => f.count_check.zero_loss),
    },
  ];
  return {
    offered_per_s: OFFERED_PER_S,
    fleet: {
      size: fleet.size,
      reused_from_cache: reused,
      built_at: fleet.created_at,
      enroll_seconds_when_built: fleet.enroll_seconds,
      open_seconds: fleetSeconds,
    },
    scenarios: results,
    targets,
  };
}
