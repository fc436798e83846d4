/**
 * Issue 11, item 3: what alert evaluation costs on the ingest path. The same simulated agents post
 * PING results to the real controller (embedded default), on the fleet's database without any
 * alert rule and on a copy of it with 1,000 enabled rules (bench/lib/alert-rules.ts), in
 * alternating sessions (a shared machine's load drifts; pairs of neighbouring sessions see about
 * the same). The figure is results stored AND evaluated per second, and controller CPU per result.
 *
 * Evaluation runs after the ack, so acked results/s alone could hide an evaluator falling behind.
 * Each round with rules therefore ends with a sentinel: one more agent posts a result that
 * breaches the sentinel rule, and the round ends when that alert shows in the API. Batches are
 * evaluated in order, so by then every result of the round has been evaluated.
 */
import { AGENT_NAMESPACE, AgentClientToServerEvents, AgentServerToClientEvents, SOCKET_PATH } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { io, Socket } from 'socket.io-client';
import { ALERT_RULES, alertBenchConfig, AlertBenchConfig, openAlertBenchData } from '../lib/alert-rules';
import { Api } from '../lib/api';
import { sleep } from '../lib/concurrency';
import { startController } from '../lib/controller';
import { Fleet, FleetAgent, fleetToken } from '../lib/fleet';
import { LoadGenerators } from '../lib/load';
import type { LoadConfig } from '../lib/load-protocol';
import { pingResult } from '../lib/ping-result';
import { readProc } from '../lib/proc';
import { round, summarize } from '../lib/stats';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';

const SUITE = 'alerts';
/** Above what one process stores, as in the ingest suite: the stored rate shows capacity. */
const OFFERED_PER_S = 25_000;
const AGENTS_PER_GENERATOR = 1250;
/** The sentinel's RTT: far above the sentinel rule's 1 s, so only the sentinel fires. */
const SENTINEL_RTT_MS = 5000;

type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

/** One agent outside the load that fires and clears the sentinel rule, and waits for the API to show it. */
class Sentinel {
  private constructor(
    private readonly socket: AgentSocket,
    private readonly agent: FleetAgent,
    private readonly api: Api,
  ) {}

  static async connect(url: string, workspaceId: number, agent: FleetAgent, api: Api): Promise<Sentinel> {
    const socket: AgentSocket = io(`${url}${AGENT_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { 'X-Workspace-ID': String(workspaceId), 'X-Agent-ID': String(agent.id), 'X-Agent-PSK': agent.psk },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return new Sentinel(socket, agent, api);
  }

  /** Posts a firing (or clearing) result and returns when the API shows the alert active (or gone). */
  async round(fire: boolean): Promise<void> {
    const result = pingResult(this.agent.probeId, new Date().toISOString(), fire ? SENTINEL_RTT_MS : undefined);
    const acked = new Promise<void>((resolve) => this.socket.once('probe_post_ok', () => resolve()));
    this.socket.emit('probe_post', result as never);
    await acked;
    await waitUntil(
      fire ? 'the sentinel alert' : 'the sentinel alert to resolve',
      async () => (await this.api.get<{ count: number }>('/workspaces/alerts/count')).count === (fire ? 1 : 0),
      { timeoutMs: 300_000, everyMs: 25 },
    );
  }

  close(): void {
    this.socket.disconnect();
  }
}

interface Round {
  rules: number;
  acked: number;
  /** Controller CPU (user + system) per result acked in the round. */
  cpu_us_per_result: number;
  /** Results acked in the round ÷ seconds from its start until they were all stored (and evaluated). */
  evaluated_per_s: number;
  /** From the last ack to the sentinel alert showing: the evaluator's backlog at the end. */
  evaluation_lag_ms: number | null;
  rejected: number;
  busy_refusals: number;
}

/** One session: a controller on `dataDir`, the load connected, a warm-up round, then one measured round. */
async function session(fleet: Fleet, dataDir: string, rules: number, config: AlertBenchConfig, opts: SuiteOptions): Promise<Round> {
  const ctl = await startController({
    dataDir,
    nodeArgs: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`, `--cpu-prof-name=alerts-${rules}.cpuprofile`] : [],
  });
  const gens = LoadGenerators.spawn(Math.ceil(config.agents / AGENTS_PER_GENERATOR));
  let sentinel: Sentinel | undefined;
  try {
    const api = new Api(ctl.url, await fleetToken(ctl, fleet));
    if (rules > 0) {
      sentinel = await Sentinel.connect(ctl.url, fleet.workspaceId, fleet.agents[config.agents], api);
      // The alert list must start empty and the rules must be loaded: one sentinel round proves both.
      await sentinel.round(true);
      await sentinel.round(false);
    }
    const loadConfig: LoadConfig = {
      ratePerAgent: OFFERED_PER_S / config.agents,
      postIntervalMs: 250,
      // One unacked post per agent keeps the results in flight to ~2 s of capacity, so a round
      // measures the store's pace rather than how fast a deep queue of posts drains.
      maxInflight: 1,
      connectConcurrency: 100,
      drainTimeoutMs: 60_000,
      maxLatencySamples: 10_000,
      trackProbeIds: [],
    };
    const connect = await gens.connect(ctl.url, fleet.workspaceId, fleet.agents.slice(0, config.agents), loadConfig);
    log(SUITE, `${rules} rules: ${connect.connected} agents connected in ${connect.seconds} s (${connect.failed} failed)`);
    const rounds: Round[] = [];
    // Round 0 warms up (JIT, the series states loaded from PostgreSQL) and is not counted.
    for (let i = 0; i <= 1; i++) {
      const cpuBefore = readProc(ctl.pid)?.cpuSeconds ?? NaN;
      const started = performance.now();
      gens.start();
      const figures = await gens.runFor(i === 0 ? config.warmupSeconds : config.seconds, 0);
      const drained = performance.now();
      if (sentinel) await sentinel.round(true);
      const evaluated = performance.now();
      const cpuSeconds = (readProc(ctl.pid)?.cpuSeconds ?? NaN) - cpuBefore;
      if (sentinel) await sentinel.round(false);
      const r: Round = {
        rules,
        acked: figures.acked,
        cpu_us_per_result: round((cpuSeconds * 1e6) / figures.acked, 1),
        evaluated_per_s: round(figures.acked / ((evaluated - started) / 1000), 0),
        evaluation_lag_ms: sentinel ? round(evaluated - drained, 0) : null,
        rejected: figures.rejected,
        busy_refusals: figures.busy_refusals,
      };
      log(
        SUITE,
        `${rules} rules${i === 0 ? ', warm-up' : ''}: ${r.evaluated_per_s} results/s stored and evaluated, ${r.cpu_us_per_result} µs CPU each (${r.acked} results; evaluation lag ${r.evaluation_lag_ms ?? '-'} ms)`,
      );
      rounds.push(r);
      await sleep(500);
    }
    return rounds[1];
  } finally {
    sentinel?.close();
    await gens.close();
    await ctl.stop();
  }
}

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const config = alertBenchConfig(opts.quick);
  const data = await openAlertBenchData(config, (m) => log(SUITE, m));
  const none: Round[] = [];
  const withRules: Round[] = [];
  for (let pair = 0; pair < config.rounds; pair++) {
    none.push(await session(data.fleet, data.plainDataDir, 0, config, opts));
    withRules.push(await session(data.fleet, data.rulesDataDir, ALERT_RULES, config, opts));
  }

  const noneRate = summarize(none.map((r) => r.evaluated_per_s));
  const rulesRate = summarize(withRules.map((r) => r.evaluated_per_s));
  const pairRatios = summarize(withRules.map((r, i) => r.evaluated_per_s / none[i].evaluated_per_s));
  const cpuNone = summarize(none.map((r) => r.cpu_us_per_result));
  const cpuRules = summarize(withRules.map((r) => r.cpu_us_per_result));
  const lag = summarize(withRules.map((r) => r.evaluation_lag_ms ?? NaN));
  const ratio = round(pairRatios.median, 3);
  const targets: TargetResult[] = [
    {
      id: 'alert_rules_cost',
      label: 'Stored results/s with 1,000 enabled alert rules',
      target: 'within 10 % of no rules',
      value: `median ${rulesRate.median}/s with ${ALERT_RULES} rules vs ${noneRate.median}/s with none, median ratio of neighbouring sessions ${ratio}; controller CPU ${cpuRules.median} vs ${cpuNone.median} µs per result; evaluation lag after the last ack: median ${lag.median} ms; ${config.agents} agents, ${config.rounds} session pairs × ${config.seconds} s`,
      met: ratio >= 0.9,
    },
  ];
  return {
    agents: config.agents,
    rules: ALERT_RULES,
    offered_per_s: OFFERED_PER_S,
    session_pairs: config.rounds,
    round_seconds: config.seconds,
    fleet: { size: data.fleet.size },
    rules_copy: { reused_from_cache: data.rulesReused, build_seconds: data.rulesBuildSeconds },
    evaluated_per_s: { no_rules: noneRate, with_rules: rulesRate, pair_ratios: pairRatios, ratio },
    controller_cpu_us_per_result: { no_rules: cpuNone, with_rules: cpuRules },
    evaluation_lag_ms: lag,
    rounds: [...none, ...withRules],
    targets,
  };
}
