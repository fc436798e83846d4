/**
 * The alerts suite's 1,000 rules, created once through the API in a copy of the cached fleet's
 * database (bench/.cache/alert-rules-<fleet>-<agents>/) and reused: creating them costs minutes
 * on a busy machine (each a few PGlite round trips), far more than a suite's time bound. The
 * fleet's own database stays without rules, so the other suites (and the no-rules rounds) are
 * unaffected.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Api } from './api';
import { mapLimit } from './concurrency';
import { startController } from './controller';
import { Fleet, FleetAgent, fleetToken, openFleet } from './fleet';
import { CACHE_DIR } from './paths';
import { round } from './stats';

export const ALERT_RULES = 1000;

/** How the alerts suite loads the controller: `agents` post, one more is the sentinel. */
export interface AlertBenchConfig {
  agents: number;
  /** Session pairs (no rules, rules): each session a warm-up round of `warmupSeconds`, then one measured round this long. */
  rounds: number;
  seconds: number;
  warmupSeconds: number;
}

export const ALERT_BENCH_FULL: AlertBenchConfig = { agents: 1000, rounds: 4, seconds: 12, warmupSeconds: 4 };
export const ALERT_BENCH_QUICK: AlertBenchConfig = { agents: 99, rounds: 2, seconds: 5, warmupSeconds: 2 };

/** The sentinel rule: latency above 1 s on the sentinel's probe; the load never comes near it. */
export const SENTINEL_RULE_NAME = 'sentinel';

const METRICS = [
  { metric: 'packet_loss', threshold: 50 },
  { metric: 'latency', threshold: 500 },
  { metric: 'latency_p95', threshold: 800 },
  { metric: 'jitter', threshold: 100 },
] as const;

/**
 * 1,000 rules as a workspace of this size might have them: mostly per probe (spread over the
 * posting probes, four metrics), one in a hundred workspace-wide, and the sentinel's. None fires
 * on the load (loss 0, sub-millisecond RTTs), so every result costs matching and a state step.
 */
function ruleBodies(load: FleetAgent[], sentinel: FleetAgent): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [
    { name: SENTINEL_RULE_NAME, metric: 'latency', operator: '>', threshold: 1000, probe_id: sentinel.probeId, notify_panel: false },
  ];
  for (let i = 1; i < ALERT_RULES; i++) {
    const { metric, threshold } = METRICS[i % METRICS.length];
    const scope = i % 100 === 0 ? {} : { probe_id: load[i % load.length].probeId };
    bodies.push({ name: `bench rule ${i}`, metric, operator: '>', threshold, ...scope, notify_panel: false });
  }
  return bodies;
}

export interface AlertBenchData {
  fleet: Fleet;
  /** The fleet's DATA_DIR: no rules. */
  plainDataDir: string;
  /** A copy of it with the 1,000 rules. */
  rulesDataDir: string;
  rulesReused: boolean;
  rulesBuildSeconds: number | null;
}

interface Marker {
  fleet_created_at: string;
  rules: number;
  agents: number;
}

/** The cached fleet and the copy with rules (built now when missing or made for another fleet). */
export async function openAlertBenchData(config: AlertBenchConfig, log: (m: string) => void): Promise<AlertBenchData> {
  const { fleet, dataDir: plainDataDir } = await openFleet(config.agents + 1, { fresh: false, log });
  const dir = join(CACHE_DIR, `alert-rules-${fleet.size}-${config.agents}`);
  const rulesDataDir = join(dir, 'data');
  const markerFile = join(dir, 'rules.json');
  const wanted: Marker = { fleet_created_at: fleet.created_at, rules: ALERT_RULES, agents: config.agents };
  try {
    if (JSON.stringify(JSON.parse(readFileSync(markerFile, 'utf8'))) === JSON.stringify(wanted)) {
      rmSync(join(rulesDataDir, 'ch'), { recursive: true, force: true });
      return { fleet, plainDataDir, rulesDataDir, rulesReused: true, rulesBuildSeconds: null };
    }
  } catch {
    /* no usable copy yet */
  }
  const started = performance.now();
  log(`creating ${ALERT_RULES} alert rules through the API in a copy of the fleet's database (cached afterwards in ${dir})`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(plainDataDir, rulesDataDir, { recursive: true, filter: (src) => basename(src) !== 'ch' && !src.endsWith('.log') });
  const ctl = await startController({ dataDir: rulesDataDir });
  try {
    const api = new Api(ctl.url, await fleetToken(ctl, fleet));
    const w = `/workspaces/${fleet.workspaceId}`;
    const bodies = ruleBodies(fleet.agents.slice(0, config.agents), fleet.agents[config.agents]);
    let done = 0;
    await mapLimit(bodies, 4, async (body) => {
      await api.call('POST', `${w}/alert-rules`, body, [201]);
      if (++done % 200 === 0) log(`${done}/${bodies.length} rules`);
    });
  } finally {
    await ctl.stop();
    rmSync(join(rulesDataDir, 'ch'), { recursive: true, force: true });
  }
  writeFileSync(markerFile, JSON.stringify(wanted));
  return { fleet, plainDataDir, rulesDataDir, rulesReused: false, rulesBuildSeconds: round((performance.now() - started) / 1000, 1) };
}

export const alertBenchConfig = (quick: boolean): AlertBenchConfig => (quick ? ALERT_BENCH_QUICK : ALERT_BENCH_FULL);
