/**
 * `node prepare-fleet.js <size> <out.json> [--fresh-fleet]`: makes sure a cached fleet of at
 * least `size` enrolled agents exists before the timed suites start. Enrolling is a one-time
 * cost (two scrypt PIN hashes per agent) that would otherwise eat a suite's time bound.
 */
import { writeFileSync } from 'node:fs';
import { openFleet } from './fleet';
import { log } from './suite';

async function main(): Promise<void> {
  const [size, out, ...flags] = process.argv.slice(2);
  const started = performance.now();
  const { fleet, reused } = await openFleet(Number(size), { fresh: flags.includes('--fresh-fleet'), log: (m) => log('fleet', m) });
  writeFileSync(
    out,
    JSON.stringify({
      size: fleet.size,
      reused_from_cache: reused,
      built_at: fleet.created_at,
      enroll_seconds_when_built: fleet.enroll_seconds,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`fleet preparation failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
