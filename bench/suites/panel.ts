/**
 * Issue 5, item 3: 100 subscribed panel sockets; latency from probe_post to probe_data.
 * "light": 100 agents × 1 result/s, every panel subscribed to the whole workspace (probe_id 0),
 * so each result fans out to all 100 panels. "fleet" (full runs): 5,000 agents, each panel
 * watching one probe (an operator on a probe's live chart), first at a realistic 0.2 results/s
 * per agent (one PING probe every 5 s: 1,000 results/s), then at the ingest target (4 results/s
 * per agent: 20,000 results/s offered), which is where the target applies.
 */
import { sleep } from '../lib/concurrency';
import { startController } from '../lib/controller';
import { Fleet, fleetToken, FleetAgent, openFleet } from '../lib/fleet';
import { LoadGenerators } from '../lib/load';
import type { LoadConfig } from '../lib/load-protocol';
import { PanelClients } from '../lib/panels';
import { ProcMonitor } from '../lib/proc';
import { summarize } from '../lib/stats';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';

const SUITE = 'panel';
const PANELS = 100;
const AGENTS_PER_GENERATOR = 1250;

interface Phase {
  name: string;
  ratePerAgent: number;
  seconds: number;
}

interface PanelScenario {
  name: string;
  agents: number;
  postIntervalMs: number;
  /** Panel i subscribes to the whole workspace, or to the probe of agent i. */
  subscribe: 'workspace' | 'probe';
  phases: Phase[];
}

const LIGHT: PanelScenario = { name: 'light', agents: 100, postIntervalMs: 1000, subscribe: 'workspace', phases: [{ name: '100 results/s', ratePerAgent: 1, seconds: 10 }] };
const FLEET: PanelScenario = {
  name: 'fleet',
  agents: 5000,
  postIntervalMs: 1000,
  subscribe: 'probe',
  phases: [
    { name: 'realistic (1,000 results/s offered)', ratePerAgent: 0.2, seconds: 15 },
    { name: 'ingest target (20,000 results/s offered)', ratePerAgent: 4, seconds: 20 },
  ],
};

async function runScenario(s: PanelScenario, fleet: Fleet, dataDir: string, opts: SuiteOptions): Promise<Record<string, unknown>[]> {
  const agents: FleetAgent[] = fleet.agents.slice(0, s.agents);
  const ctl = await startController({
    dataDir,
    nodeArgs: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`, `--cpu-prof-name=panel-${s.name}.cpuprofile`] : [],
  });
  const gens = LoadGenerators.spawn(Math.ceil(s.agents / AGENTS_PER_GENERATOR));
  const panels = new PanelClients();
  try {
    const subscriptions = Array.from({ length: PANELS }, (_, i) => ({
      workspace_id: fleet.workspaceId,
      probe_id: s.subscribe === 'workspace' ? 0 : agents[i].probeId,
    }));
    const panelConnect = await panels.connect(ctl.url, await fleetToken(ctl, fleet), subscriptions);
    const config: LoadConfig = {
      ratePerAgent: s.phases[0].ratePerAgent,
      postIntervalMs: s.postIntervalMs,
      maxInflight: 4,
      connectConcurrency: 100,
      drainTimeoutMs: 60_000,
      maxLatencySamples: 100_000,
      trackProbeIds: s.subscribe === 'probe' ? subscriptions.map((p) => p.probe_id) : [],
    };
    const connect = await gens.connect(ctl.url, fleet.workspaceId, agents, config);
    log(SUITE, `${s.name}: ${panelConnect.subscribed} panels subscribed, ${connect.connected} agents connected`);
    await sleep(1000);
    const results: Record<string, unknown>[] = [];
    for (const phase of s.phases) {
      const monitor = new ProcMonitor(ctl.pid);
      monitor.mark();
      panels.reset();
      panels.record(true);
      gens.start(phase.ratePerAgent);
      const load = await gens.runFor(phase.seconds, 2);
      await sleep(1000);
      panels.record(false);
      const proc = monitor.window();
      // Every stored result in a panel's scope must reach that panel exactly once.
      const inScope = s.subscribe === 'workspace' ? load.acked * PANELS : Object.values(load.tracked).reduce((n, ids) => n + ids.length, 0);
      const latency = summarize(panels.latencies);
      log(SUITE, `${s.name}, ${phase.name}: probe_post → probe_data p50 ${latency.median} ms, p99 ${latency.p99} ms over ${panels.received} deliveries`);
      results.push({
        scenario: `${s.name}: ${phase.name}`,
        agents: s.agents,
        panels: PANELS,
        subscription: s.subscribe === 'workspace' ? 'workspace (probe_id 0)' : 'one probe per panel',
        offered_per_s: load.offered_per_s,
        results_per_s_stored: load.stored_per_s,
        deliveries_per_s: Math.round(panels.received / (phase.seconds + 1)),
        latency_ms: latency,
        ack_latency_ms: summarize(load.latencies),
        delivery_check: { expected: inScope, received: panels.received, duplicates: panels.duplicates, complete: panels.received === inScope && panels.duplicates === 0 },
        controller: proc,
        panel_connect: panelConnect,
        agent_connect: connect,
        errors: load.errors,
      });
    }
    return results;
  } finally {
    panels.close();
    await gens.close();
    await ctl.stop();
  }
}

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const scenarios = opts.quick ? [{ ...LIGHT, phases: [{ ...LIGHT.phases[0], seconds: 6 }] }] : [LIGHT, FLEET];
  const { fleet, dataDir, reused } = await openFleet(Math.max(...scenarios.map((s) => s.agents)), {
    fresh: false,
    log: (m) => log(SUITE, m),
  });
  const results: Record<string, unknown>[] = [];
  for (const s of scenarios) results.push(...(await runScenario(s, fleet, dataDir, opts)));
  const last = results[results.length - 1] as { scenario: string; latency_ms: { p99: number }; results_per_s_stored: number; delivery_check: { complete: boolean } };
  const targets: TargetResult[] = [
    {
      id: 'panel_p99',
      label: 'Panel fan-out p99 (probe_post → probe_data), 100 panels',
      target: '< 50 ms at the ingest target load',
      value: results
        .map((r) => {
          const f = r as typeof last;
          return `${f.scenario}: p99 ${f.latency_ms.p99} ms at ${f.results_per_s_stored} results/s${f.delivery_check.complete ? '' : ' (deliveries incomplete)'}`;
        })
        .join('; '),
      met: opts.quick ? null : last.latency_ms.p99 < 50 && last.results_per_s_stored >= 20_000 && last.delivery_check.complete,
      ...(opts.quick ? { reason: '--quick measures the light scenario only' } : {}),
    },
  ];
  return { fleet: { size: fleet.size, reused_from_cache: reused }, scenarios: results, targets };
}
