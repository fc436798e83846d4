#!/usr/bin/env node
// `npm test`: the whole suite as two Jest processes side by side, each running its files one at a
// time (--runInBand), with one combined report.
//
// Why two: the end-to-end tests (controller/test/e2e/ and the netns toolkit) spend most of their
// time waiting on real networks, agents and probe intervals, while the rest keep the CPU busy.
// Side by side they take about as long as the larger half instead of the sum. Each half stays
// serial inside, so the tests that build network namespaces never run two at once, and chDB still
// gets one data directory per process.
//
// With test paths or a name filter (`npm test -- controller/test/runs.test.ts`, `-t …`) it is one
// plain Jest run. `--json --outputFile=F` (what .ci/run passes) writes the two reports merged into F.
'use strict';
const { spawn } = require('node:child_process');
const { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const jestBin = require.resolve('jest/bin/jest', { paths: [root] });
const WAITING_ON_THE_WORLD = ['/controller/test/e2e/', '/controller/test/netns-toolkit\\.test\\.ts$'];

const args = process.argv.slice(2);
const outputArg = args.find((a) => a.startsWith('--outputFile='));
const outputFile = outputArg ? outputArg.slice('--outputFile='.length) : null;
const passThrough = args.filter((a) => a !== outputArg && a !== '--json');
const narrowed = passThrough.some((a) => !a.startsWith('-') || a === '-t' || a.startsWith('--testNamePattern') || a.startsWith('--selectProjects'));

function runJest(name, extra, reportFile) {
  const jestArgs = ['--runInBand', ...extra, ...passThrough];
  if (reportFile) jestArgs.push('--json', `--outputFile=${reportFile}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [jestBin, ...jestArgs], { cwd: root, stdio: 'inherit', env: process.env });
    child.on('exit', (code, signal) => {
      if (signal) process.stderr.write(`jest (${name}) ended by ${signal}\n`);
      resolve(code ?? 1);
    });
  });
}

/** One Jest report from two: counts added, test files concatenated. */
function mergeReports(files) {
  const reports = files.filter((f) => existsSync(f)).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const sum = (key) => reports.reduce((n, r) => n + (r[key] ?? 0), 0);
  const counts = [
    'numTotalTests', 'numPassedTests', 'numFailedTests', 'numPendingTests', 'numTodoTests',
    'numTotalTestSuites', 'numPassedTestSuites', 'numFailedTestSuites', 'numPendingTestSuites', 'numRuntimeErrorTestSuites',
  ];
  const merged = Object.fromEntries(counts.map((k) => [k, sum(k)]));
  return {
    ...merged,
    // A half that crashed before writing its report makes the whole run unsuccessful.
    success: reports.length === files.length && reports.every((r) => r.success),
    startTime: Math.min(...reports.map((r) => r.startTime ?? Date.now())),
    testResults: reports.flatMap((r) => r.testResults ?? []),
  };
}

async function main() {
  if (narrowed) {
    const code = await runJest('all', [], outputFile);
    process.exit(code);
  }
  const dir = mkdtempSync(join(tmpdir(), 'nw-jest-'));
  const reports = outputFile ? [join(dir, 'e2e.json'), join(dir, 'rest.json')] : [null, null];
  const pattern = WAITING_ON_THE_WORLD.join('|');
  const codes = await Promise.all([
    runJest('end-to-end', ['--selectProjects', 'integration', '--testPathPattern', pattern], reports[0]),
    runJest('the rest', ['--testPathIgnorePatterns', pattern], reports[1]),
  ]);
  if (outputFile) writeFileSync(outputFile, JSON.stringify(mergeReports(reports)));
  rmSync(dir, { recursive: true, force: true });
  process.exit(codes.every((c) => c === 0) ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`run-tests: ${e.stack ?? e}\n`);
  process.exit(1);
});
