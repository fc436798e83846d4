/**
 * Runs one suite in a process of its own (chDB binds one data directory per process, and a
 * crashed or stuck suite must not take the others down): `node run-suite.js <name> <out.json>
 * [--quick] [--profile-dir=DIR]`. bench/run.js bounds it with a timeout.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIST } from './paths';
import type { SuiteOptions, SuiteResult } from './suite';

// Stopped at its time bound: exit normally so 'exit' handlers remove temp dirs and namespaces.
process.on('SIGTERM', () => process.exit(143));

async function main(): Promise<void> {
  const [name, out, ...flags] = process.argv.slice(2);
  const profileDir = flags.find((f) => f.startsWith('--profile-dir='))?.slice('--profile-dir='.length);
  const opts: SuiteOptions = { quick: flags.includes('--quick'), profileDir };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const suite = require(join(BENCH_DIST, 'suites', `${name}.js`)) as { run(o: SuiteOptions): Promise<SuiteResult> };
  const started = performance.now();
  const result = await suite.run(opts);
  writeFileSync(out, JSON.stringify({ ...result, suite_seconds: Math.round((performance.now() - started) / 100) / 10 }, null, 2));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`suite failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
