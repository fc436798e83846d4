/**
 * Issue 15, item 1: the single-executable agent against the script agent. Builds the executable
 * once (agent/scripts/build-sea.js, what `npm run release:agent` runs after the build) into a
 * temporary release folder, then measures
 *  - start-up: wall time of `--version` and `--help` until exit, median of repeated runs, for
 *    the executable and for `node agent/bin/netwatcher-agent.js`;
 *  - memory: RSS of each, enrolled and connected to a real controller with only the default
 *    NETINFO/SYSINFO probes (idle), sampled once a second over the same window, side by side.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AGENT_BINARY_NAME } from '@netwatcher/shared/node';
import { waitUntil } from '@netwatcher/shared/testing';
import { Api, createAgent, createWorkspace, registerUser } from '../lib/api';
import { startController } from '../lib/controller';
import { AGENT_BIN, REPO_ROOT } from '../lib/paths';
import { ProcMonitor, readProc } from '../lib/proc';
import { round, summarize } from '../lib/stats';
import { tempDir } from '../lib/temp';
import { log, SuiteOptions, SuiteResult, TargetResult } from '../lib/suite';

const SUITE = 'agent-binary';
const STARTUP_TARGET_MS = 500;

interface Variant {
  name: 'single executable' | 'script agent';
  command: string;
  /** Arguments before the agent's own. */
  prefix: string[];
}

/** CPU seconds of this process's children that have exited and been reaped (cutime + cstime). */
const reapedChildCpu = (): number => readProc(process.pid)?.childCpuSeconds ?? NaN;

/**
 * Runs the command to completion (rejects on a non-zero exit); resolves with its wall time and
 * its CPU time in ms. The CPU time hardly depends on how loaded the machine is; the wall time does.
 */
function timedRun(v: Variant, args: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const cpuBefore = reapedChildCpu();
    const started = performance.now();
    const child = spawn(v.command, [...v.prefix, ...args], { stdio: 'ignore', cwd: REPO_ROOT });
    child.once('error', reject);
    // 'close' comes after the child is reaped, so its CPU time is in this process's cutime by then.
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${v.name} ${args.join(' ')} exited with ${code}`));
      resolve({ wallMs: performance.now() - started, cpuMs: (reapedChildCpu() - cpuBefore) * 1000 });
    });
  });
}

function build(outDir: string, keyDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'agent', 'scripts', 'build-sea.js'), '--out', outDir], {
      cwd: REPO_ROOT,
      // A signing key of its own, created in the temp dir: the operator's key is never touched.
      env: { ...process.env, DATA_DIR: keyDir, NW_RELEASE_SIGNING_KEY: '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('exit', (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`build-sea.js exited with ${code}: ${err.slice(-2000)}`))));
  });
}

export async function run(opts: SuiteOptions): Promise<SuiteResult> {
  const reps = opts.quick ? 7 : 21;
  const windowSec = opts.quick ? 10 : 30;
  const temp = tempDir('nw-bench-agent-binary-');
  const dir = temp.path;
  const children: ChildProcess[] = [];
  const ctl = await startController({ dataDir: join(dir, 'controller') });
  try {
    const buildSeconds = await build(join(dir, 'release'), join(dir, 'keys'));
    log(SUITE, `single executable built in ${round(buildSeconds, 1)} s`);
    const variants: Variant[] = [
      { name: 'single executable', command: join(dir, 'release', AGENT_BINARY_NAME), prefix: [] },
      { name: 'script agent', command: process.execPath, prefix: [AGENT_BIN] },
    ];

    // Start-up: alternate the two so machine load hits both alike; the first run of each is a warm-up.
    const startup: Record<string, { version: number[]; help: number[]; cpu: number[] }> = {};
    for (const v of variants) startup[v.name] = { version: [], help: [], cpu: [] };
    for (const v of variants) for (const args of [['--version'], ['--help']]) await timedRun(v, args);
    for (let i = 0; i < reps; i++) {
      for (const v of variants) {
        const version = await timedRun(v, ['--version']);
        startup[v.name].version.push(version.wallMs);
        startup[v.name].cpu.push(version.cpuMs);
        startup[v.name].help.push((await timedRun(v, ['--help'])).wallMs);
      }
    }
    const startupFigures = Object.fromEntries(
      variants.map((v) => [
        v.name,
        {
          version_ms: summarize(startup[v.name].version),
          help_ms: summarize(startup[v.name].help),
          // Clock ticks are 10 ms: the mean over the runs is the useful figure.
          version_cpu_ms_mean: round(startup[v.name].cpu.reduce((a, b) => a + b, 0) / reps, 1),
        },
      ]),
    );
    log(SUITE, `start-up measured (${reps} runs each)`);

    // Memory: both enrolled and connected at once, idle but for the default NETINFO/SYSINFO probes.
    const anon = new Api(ctl.url);
    const api = anon.as((await registerUser(anon, 'agent-binary-bench')).token);
    const workspaceId = await createWorkspace(api, 'bench-agent-binary');
    const running = await Promise.all(
      variants.map(async (v, i) => {
        const agent = await createAgent(api, workspaceId, v.name.replace(' ', '-'));
        const args = [
          'run', '--controller', ctl.url, '--workspace', String(workspaceId), '--agent', String(agent.id), '--pin', agent.pin,
          '--config', join(dir, `agent-${i}.json`), '--data-dir', join(dir, `spool-${i}`), '--log-level', 'warn',
        ];
        const child = spawn(v.command, [...v.prefix, ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: dir });
        children.push(child);
        return { variant: v, agentId: agent.id, child };
      }),
    );
    // Connected: the agent has reported its version over the socket.
    for (const r of running) {
      await waitUntil(`${r.variant.name} connected`, async () => {
        if (r.child.exitCode !== null) throw new Error(`${r.variant.name} exited with ${r.child.exitCode}`);
        const a = await api.get<{ version: string | null; online: boolean }>(`/workspaces/${workspaceId}/agents/${r.agentId}`);
        return a.online && a.version !== null;
      }, { timeoutMs: 60_000, everyMs: 250 });
    }
    log(SUITE, `both agents connected; sampling RSS for ${windowSec} s`);
    const monitors = running.map((r) => ({ r, monitor: new ProcMonitor(r.child.pid as number) }));
    for (const m of monitors) m.monitor.mark();
    await new Promise((resolve) => setTimeout(resolve, windowSec * 1000));
    const memory = Object.fromEntries(
      monitors.map(({ r, monitor }) => [r.variant.name, { ...monitor.window(), still_running: r.child.exitCode === null, vmhwm_mb: round(readProc(r.child.pid as number)?.hwmMb ?? NaN, 1) }]),
    );

    const sea = startupFigures['single executable'];
    const script = startupFigures['script agent'];
    const seaRss = memory['single executable'] as { rss_mb_avg: number; rss_mb_max: number };
    const scriptRss = memory['script agent'] as { rss_mb_avg: number; rss_mb_max: number };
    const targets: TargetResult[] = [
      {
        id: 'agent_sea_startup',
        label: 'Single-executable agent start-up (`--version`, median)',
        target: `< ${STARTUP_TARGET_MS} ms`,
        value:
          `${sea.version_ms.median} ms (\`--help\` ${sea.help_ms.median} ms, CPU ${sea.version_cpu_ms_mean} ms); ` +
          `script agent ${script.version_ms.median} ms (\`--help\` ${script.help_ms.median} ms, CPU ${script.version_cpu_ms_mean} ms)`,
        met: sea.version_ms.median < STARTUP_TARGET_MS && sea.help_ms.median < STARTUP_TARGET_MS,
      },
      {
        id: 'agent_sea_rss',
        label: 'Single-executable agent RSS, idle and connected',
        target: 'no higher than the script agent',
        value: `${seaRss.rss_mb_avg} MB avg / ${seaRss.rss_mb_max} MB max; script agent ${scriptRss.rss_mb_avg} / ${scriptRss.rss_mb_max} MB (${windowSec} s side by side)`,
        met: seaRss.rss_mb_avg <= scriptRss.rss_mb_avg,
      },
    ];
    return { measured: true, build_seconds: round(buildSeconds, 1), runs: reps, window_seconds: windowSec, startup: startupFigures, memory, targets };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await ctl.stop();
    temp.remove();
  }
}
