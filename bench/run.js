#!/usr/bin/env node
/*
 * NetWatcher performance harness: `npm run bench` (full, < 15 min on 2 cores once the simulated
 * fleet is cached) or `npm run bench -- --quick` (< 2 min).
 *
 * 1. builds the controller (`npm run build`) and the bench TypeScript (bench/tsconfig.json → bench/dist);
 * 2. runs each suite (bench/suites/<name>.ts) in a process of its own, bounded by a timeout;
 * 3. writes bench/results/<YYYY-MM-DD>.json (machine facts, per-suite figures, each target met or
 *    not) and, for a full run, regenerates the summary table in BENCHMARKS.md.
 *
 * Options: --quick, --only=charts,ingest, --skip-build, --fresh-fleet (re-enroll the simulated
 * agents instead of reusing bench/.cache), --profile (controller under --cpu-prof; profiles in
 * bench/results/profiles/), --no-summary (leave BENCHMARKS.md alone), --label=<name> (appended to the
 * result file name, e.g. for before/after runs of the same suite on one day).
 */
'use strict';
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const DIST = join(__dirname, 'dist', 'bench');
const RESULTS = join(__dirname, 'results');

/** Suites in the order they run, with a wall-clock bound each (seconds, full / quick). */
const SUITES = [
  { name: 'charts', full: 420, quick: 45 },
  { name: 'ingest', full: 330, quick: 35 },
  { name: 'panel', full: 200, quick: 25 },
  { name: 'agent', full: 120, quick: 40 },
  { name: 'lookups', full: 90, quick: 20, optional: true },
  // Builds the executable first (15-25 s): full runs only, unless asked for with --only.
  { name: 'agent-binary', full: 180, quick: 150, fullOnly: true },
  { name: 'browser', full: 120, quick: 60 },
  { name: 'alerts', full: 360, quick: 120 },
];
/** The whole run, build included, stays under 15 min (full) / 2 min (quick): later suites get what is left. */
const TOTAL_BUDGET_SECONDS = { full: 14.5 * 60, quick: 115 };

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = flag('quick');
const only = option('only')?.split(',');
const label = option('label');
if (label !== undefined && !/^[a-z0-9-]{1,40}$/.test(label)) {
  process.stderr.write('--label takes 1-40 characters of a-z, 0-9 and -\n');
  process.exit(2);
}

function say(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function run(cmd, argv, label) {
  const started = Date.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const seconds = (Date.now() - started) / 1000;
  if (r.status !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim() && !l.includes('nodedir')).slice(0, 30).join('\n');
    say(`${label} exited with ${r.status} after ${seconds.toFixed(1)} s:\n${out}`);
  } else {
    say(`${label} done in ${seconds.toFixed(1)} s`);
  }
  return r.status === 0;
}

function build() {
  if (!flag('skip-build')) {
    // Other work in progress may carry type errors; tsc -b still emits, so only a missing entry point is fatal.
    run('npm', ['run', 'build', '--silent'], 'npm run build');
    if (!existsSync(join(ROOT, 'controller', 'dist', 'main.js'))) throw new Error('controller/dist/main.js missing after build');
  }
  const ok = run('npx', ['tsc', '-p', join('bench', 'tsconfig.json')], 'bench tsc');
  if (!existsSync(join(DIST, 'lib', 'run-suite.js'))) throw new Error('bench TypeScript did not compile');
  // tsc copies no other files: the netns toolkit reads its C helper and relay script next to its code.
  const netns = join('controller', 'test', 'fixtures', 'netns');
  cpSync(join(ROOT, netns), join(__dirname, 'dist', netns), { recursive: true, filter: (f) => !f.endsWith('.ts') });
  return ok;
}

function machine() {
  const cpus = os.cpus();
  let kernel = os.release();
  try {
    kernel = execFileSync('uname', ['-sr']).toString().trim();
  } catch {
    /* keep os.release() */
  }
  return {
    cores: cpus.length,
    cpu_model: cpus[0]?.model ?? 'unknown',
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: kernel,
    load_average_at_start: os.loadavg().map((v) => Math.round(v * 100) / 100),
    fd_limit: (() => {
      try {
        return execFileSync('bash', ['-c', 'ulimit -Hn']).toString().trim();
      } catch {
        return 'unknown';
      }
    })(),
  };
}

/** One suite in its own process; killed (whole process group) when it overruns its bound. */
function runSuite(suite, secondsLeft) {
  const file = join(DIST, 'suites', `${suite.name}.js`);
  if (!existsSync(file)) {
    return Promise.resolve({ status: suite.optional ? 'absent' : 'missing', error: `${file} not found` });
  }
  const out = join(os.tmpdir(), `nw-bench-${suite.name}-${process.pid}.json`);
  rmSync(out, { force: true });
  const bound = Math.max(5, Math.min(quick ? suite.quick : suite.full, Math.floor(secondsLeft)));
  const argv = [join(DIST, 'lib', 'run-suite.js'), suite.name, out];
  if (quick) argv.push('--quick');
  if (flag('profile')) {
    const dir = join(RESULTS, 'profiles');
    mkdirSync(dir, { recursive: true });
    argv.push(`--profile-dir=${dir}`);
  }
  const started = Date.now();
  say(`suite ${suite.name}: started (bound ${bound} s)`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      say(`suite ${suite.name}: over its ${bound} s bound, stopping it`);
      try {
        process.kill(-child.pid, 'SIGTERM');
        setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }, 5000).unref();
      } catch {
        /* already gone */
      }
    }, bound * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const seconds = Math.round((Date.now() - started) / 100) / 10;
      say(`suite ${suite.name}: ${timedOut ? 'timed out' : code === 0 ? 'done' : `failed (${code})`} in ${seconds} s`);
      let figures = null;
      try {
        figures = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        /* no result written */
      }
      rmSync(out, { force: true });
      if (figures) resolve({ status: 'ok', seconds, ...figures });
      else resolve({ status: timedOut ? 'timed_out' : 'failed', seconds, error: timedOut ? `exceeded its ${bound} s bound` : `exit code ${code}` });
    });
  });
}

const fmt = (met) => (met === true ? '✅ met' : met === false ? '❌ not met' : '— not measured');

function summaryTable(report) {
  const m = report.machine;
  const lines = [
    `${report.mode === 'quick' ? 'Quick run' : 'Last full run'}: ${report.date} (${report.total_seconds} s), ${m.cores} cores (${m.cpu_model}), ${m.memory_gb} GB RAM, Node ${m.node}, ${m.os}; load average at start ${m.load_average_at_start.join(' / ')}. Raw figures: [bench/results/${report.file}](bench/results/${report.file}).`,
    '',
    '| Target | Requirement | Measured | Result |',
    '| --- | --- | --- | --- |',
  ];
  for (const t of report.targets) {
    lines.push(`| ${t.label} | ${t.target} | ${String(t.value).replace(/\|/g, '\\|')}${t.reason ? ` (${t.reason})` : ''} | ${fmt(t.met)} |`);
  }
  lines.push('', '| Suite | Status | Seconds |', '| --- | --- | --- |');
  for (const [name, s] of Object.entries(report.suites)) lines.push(`| ${name} | ${s.status}${s.error ? `: ${s.error}` : ''} | ${s.seconds ?? ''} |`);
  return lines.join('\n');
}

const START = '<!-- bench:summary:start -->';
const END = '<!-- bench:summary:end -->';

function writeSummary(report) {
  const file = join(ROOT, 'BENCHMARKS.md');
  const table = `${START}\n${summaryTable(report)}\n${END}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  if (!text.includes(START)) text += `\n${START}\n${END}\n`;
  text = text.replace(new RegExp(`${START}[\\s\\S]*?${END}`), table);
  writeFileSync(file, text);
}

/**
 * The simulated agents are enrolled once and cached (bench/.cache): a one-time cost outside the
 * suites' time budget (about 10 minutes for 5,000 agents on 2 cores, seconds when cached).
 */
function prepareFleet() {
  const size = quick ? 100 : 5000;
  const out = join(os.tmpdir(), `nw-bench-fleet-${process.pid}.json`);
  const argv = [join(DIST, 'lib', 'prepare-fleet.js'), String(size), out];
  if (flag('fresh-fleet')) argv.push('--fresh-fleet');
  // The alerts suite's 1,000 rules are created once, outside its time bound, like the fleet.
  if (!only || only.includes('alerts')) argv.push('--alert-rules', ...(quick ? ['--quick'] : []));
  say(`fleet: making sure ${size} enrolled simulated agents are cached`);
  const r = spawnSync(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 40 * 60_000 });
  try {
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return { error: `fleet preparation failed (exit ${r.status})` };
  } finally {
    rmSync(out, { force: true });
  }
}

async function main() {
  const runStarted = Date.now();
  say(`NetWatcher bench (${quick ? 'quick' : 'full'})`);
  const facts = machine();
  const compiledCleanly = build();
  const needsFleet = !only || ['ingest', 'panel', 'alerts'].some((name) => only.includes(name));
  const fleet = needsFleet ? prepareFleet() : null;
  // The time budget covers the build and the suites; a first-time enrollment (or rule creation) is reported apart.
  const builtNow = fleet && (!fleet.reused_from_cache || fleet.alert_rules?.reused_from_cache === false);
  const started = runStarted + (builtNow && fleet.seconds ? fleet.seconds * 1000 : 0);
  const suites = {};
  const targets = [];
  for (const suite of SUITES) {
    if (only && !only.includes(suite.name)) continue;
    if (quick && suite.fullOnly && !only) continue;
    const budget = quick ? TOTAL_BUDGET_SECONDS.quick : TOTAL_BUDGET_SECONDS.full;
    const result = await runSuite(suite, budget - (Date.now() - started) / 1000);
    if (result.status === 'absent') continue;
    suites[suite.name] = result;
    for (const t of result.targets ?? []) targets.push({ suite: suite.name, ...t });
  }
  const date = new Date().toISOString().slice(0, 10);
  // Partial and quick runs never overwrite the figures of a full run.
  const file = `${date}${quick ? '-quick' : ''}${only ? `-${only.join('+')}` : ''}${label ? `-${label}` : ''}.json`;
  const report = {
    date,
    mode: quick ? 'quick' : 'full',
    file,
    total_seconds: Math.round((Date.now() - runStarted) / 1000),
    seconds_without_first_enrollment: Math.round((Date.now() - started) / 1000),
    compiled_cleanly: compiledCleanly,
    fleet,
    machine: facts,
    targets,
    suites,
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, file), JSON.stringify(report, null, 2) + '\n');
  say(`wrote bench/results/${file} (${report.total_seconds} s in all)`);
  process.stdout.write(summaryTable(report) + '\n');
  if (!quick && !only && !flag('no-summary')) {
    writeSummary(report);
    say('updated the summary table in BENCHMARKS.md');
  }
}

main().catch((e) => {
  say(`bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
