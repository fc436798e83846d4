/**
 * Issue 5, item 5: one real agent process (agent/bin/netwatcher-agent.js run) with 100 PING
 * probes: its RSS and CPU share (its own and its `ping` children), and the accuracy of its RTT
 * against iputils `ping` run side by side on the same path.
 *
 * The agent runs inside the "agent" namespace of the netns toolkit (agent → r1 → r2 → target,
 * 20 ms of delay injected on r1 → r2), reaching the controller through a unix-socket relay, so
 * its probes cover loopback (127.0.0.1 in its namespace), the first router and the delayed target.
 * Without root (no namespaces) it runs on the host with loopback targets only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { canUseNetns, createLinearTopology, LinearTopology, waitForLine } from '../../controller/test/fixtures';
import { Api, createAgent, createProbe, createWorkspace, registerUser } from '../lib/api';
import { mapLimit, sleep } from '../lib/concurrency';
import { startController } from '../lib/controller';
import { AGENT_BIN, REPO_ROOT } from '../lib/paths';
import { readProc, treeCpuSeconds } from '../lib/proc';
import { round } from '../lib/stats';
import { tempDir } from '../lib/temp';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';

const SUITE = 'agent';
const PROBES = 100;
const DELAY_MS = 20;
const RELAY = join(REPO_ROOT, 'controller', 'test', 'fixtures', 'netns', 'relay.js');

interface Target {
  address: string;
  label: string;
}

/** mean RTT of an iputils ping run: "rtt min/avg/max/mdev = a/b/c/d ms". */
function pingAvg(stdout: string): number | null {
  const m = /= [\d.]+\/([\d.]+)\//.exec(stdout);
  return m ? Number(m[1]) : null;
}

function runCommand(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

const notMeasured = (reason: string): SuiteResult => ({
  measured: false,
  reason,
  targets: [{ id: 'agent_rss', label: 'Agent RSS with 100 PING probes', target: '≤ 80 MB', value: 'not measured', met: null, reason }],
});

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const windowSec = opts.quick ? 8 : 45;
  // Quick runs use the shortest PING interval so every probe has run within seconds of start.
  const INTERVAL_SEC = opts.quick ? 5 : 10;
  const temp = tempDir('nw-bench-agent-');
  const dir = temp.path;
  const ctl = await startController({ dataDir: join(dir, 'controller') });
  log(SUITE, 'controller ready');
  const netnsProblem = await canUseNetns();
  let topo: LinearTopology | undefined;
  const children: ChildProcess[] = [];
  try {
    const anon = new Api(ctl.url);
    const api = anon.as((await registerUser(anon, 'agent-bench')).token);
    const workspaceId = await createWorkspace(api, 'bench-agent');
    const agent = await createAgent(api, workspaceId, 'footprint');
    const port = new URL(ctl.url).port;

    let targets: Target[];
    let exec: (cmd: string, args: string[], timeoutMs: number) => Promise<string>;
    let agentProcess: ChildProcess;
    // NW_BENCH_AGENT_NODE_FLAGS (e.g. "--max-semi-space-size=1") compares V8 heap settings.
    const agentArgs = [
      ...(process.env.NW_BENCH_AGENT_NODE_FLAGS ?? '').split(' ').filter(Boolean),
      AGENT_BIN, 'run', '--controller', `http://127.0.0.1:${port}`, '--workspace', String(workspaceId), '--agent', String(agent.id),
      '--pin', agent.pin, '--config', join(dir, 'agent.json'), '--data-dir', join(dir, 'spool'), '--log-level', 'warn',
    ];
    if (!netnsProblem) {
      topo = await createLinearTopology({ impairments: [{ router: 'r1', toward: 'r2', delayMs: DELAY_MS }] });
      log(SUITE, 'network namespaces ready');
      // The controller listens on the host's loopback; a relay pair carries it into the namespace.
      const sock = join(dir, 'controller.sock');
      const host = spawn(process.execPath, [RELAY, `unix:${sock}`, `tcp:127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(host);
      await waitForLine(host, /^ready/, 10_000);
      const inside = topo.spawn('agent', process.execPath, [RELAY, `tcp:127.0.0.1:${port}`, `unix:${sock}`], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(inside);
      await waitForLine(inside, /^ready/, 10_000);
      const t = topo;
      targets = [
        { address: '127.0.0.1', label: 'loopback' },
        { address: t.addresses.r1[0], label: 'first router (1 hop)' },
        { address: t.targetAddress, label: `target (3 hops, +${DELAY_MS} ms)` },
      ];
      exec = async (cmd, args, timeoutMs) => (await t.exec('agent', cmd, args, { timeoutMs })).stdout;
      agentProcess = t.spawn('agent', process.execPath, agentArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
    } else {
      targets = [{ address: '127.0.0.1', label: 'loopback' }, { address: '127.0.0.2', label: 'loopback (127.0.0.2)' }];
      exec = runCommand;
      agentProcess = spawn(process.execPath, agentArgs, { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    children.push(agentProcess);
    const exited = new Promise<number | null>((resolve) => agentProcess.once('exit', (code) => resolve(code)));

    // 100 probes spread over the targets: most on loopback, a few on each remote address.
    const plan = Array.from({ length: PROBES }, (_, i) => targets[i < PROBES - 10 * (targets.length - 1) ? 0 : 1 + Math.floor((i - (PROBES - 10 * (targets.length - 1))) / 10)]);
    const probeIds = await mapLimit(plan, 4, (t) => createProbe(api, workspaceId, agent.id, { type: 'PING', targets: [t.address], interval_sec: INTERVAL_SEC, timeout_sec: Math.min(10, INTERVAL_SEC) }));
    log(SUITE, `agent ${agent.id} started (pid ${agentProcess.pid}) with ${PROBES} PING probes every ${INTERVAL_SEC} s${netnsProblem ? ` on loopback (${netnsProblem})` : ' in a network namespace'}`);

    // Warm up: enrolled, config pushed, every probe has run at least once.
    const deadline = Date.now() + 40_000;
    let stored = 0;
    while (Date.now() < deadline) {
      if (agentProcess.exitCode !== null) return notMeasured(`the agent exited with code ${agentProcess.exitCode} during start-up`);
      stored = (await api.get<{ total: number }>(`/workspaces/${workspaceId}/probe-data/find?limit=1&type=PING`)).total;
      if (stored >= PROBES) break;
      await sleep(1000);
    }
    if (stored < PROBES) return notMeasured(`only ${stored} results arrived within 40 s of start`);

    log(SUITE, `every probe has reported (${stored} results); measuring for ${windowSec} s`);
    const pid = agentProcess.pid as number;
    const windowStart = new Date();
    const cpuStart = treeCpuSeconds(pid);
    const t0 = performance.now();
    const rss: number[] = [];
    // iputils ping side by side on the same paths, while the agent keeps probing.
    const reference = Promise.all(targets.map(async (t) => ({ target: t, avg: pingAvg(await exec('ping', ['-n', '-c', String(windowSec * 2), '-i', '0.5', t.address], (windowSec + 10) * 1000)) })));
    while (performance.now() - t0 < windowSec * 1000) {
      const s = readProc(pid);
      if (s) rss.push(s.rssMb);
      await sleep(1000);
    }
    const cpu = treeCpuSeconds(pid) - cpuStart;
    const seconds = (performance.now() - t0) / 1000;
    const peak = readProc(pid)?.hwmMb ?? NaN;
    const side = await reference;

    const accuracy = [];
    for (const { target, avg } of side) {
      const ids = probeIds.filter((_, i) => plan[i] === target);
      const values: number[] = [];
      for (const probeId of ids.slice(0, 10)) {
        // Filtered here rather than with `from`, which answered 500 before 058e360.
        const res = await api.get<{ data: { rtt_avg_ms: number | null; created_at: string }[] }>(
          `/workspaces/${workspaceId}/probe-data/find?probeId=${probeId}&limit=1000`,
        );
        for (const r of res.data) if (r.rtt_avg_ms !== null && Date.parse(r.created_at) >= windowStart.getTime()) values.push(r.rtt_avg_ms);
      }
      const agentAvg = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
      accuracy.push({
        target: target.label,
        address: target.address,
        agent_avg_ms: agentAvg === null ? null : round(agentAvg, 3),
        agent_results: values.length,
        iputils_avg_ms: avg,
        difference_ms: agentAvg !== null && avg !== null ? round(agentAvg - avg, 3) : null,
      });
    }
    const rssMax = Math.max(...rss);
    const result = {
      measured: true,
      node_flags: process.env.NW_BENCH_AGENT_NODE_FLAGS ?? '',
      network: netnsProblem ? `loopback only (${netnsProblem})` : `namespaces agent → r1 → r2 → target, +${DELAY_MS} ms on r1 → r2`,
      probes: PROBES,
      interval_sec: INTERVAL_SEC,
      window_seconds: round(seconds, 1),
      rss_mb: { avg: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1), max: round(rssMax, 1), peak_vmhwm: round(peak, 1) },
      cpu_pct_of_one_core: round((cpu / seconds) * 100, 1),
      rtt_accuracy: accuracy,
      agent_still_running: agentProcess.exitCode === null,
    };
    agentProcess.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    const targetsOut: TargetResult[] = [
      {
        id: 'agent_rss',
        label: 'Agent RSS with 100 PING probes',
        target: '≤ 80 MB',
        value: `${result.rss_mb.max} MB max while running (${result.window_seconds} s window; VmHWM incl. start-up ${result.rss_mb.peak_vmhwm} MB), CPU ${result.cpu_pct_of_one_core} % of one core incl. ping`,
        met: rssMax <= 80,
      },
    ];
    return { ...result, targets: targetsOut };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await topo?.destroy();
    await ctl.stop();
    temp.remove();
  }
}
