/**
 * `node prepare-fleet.js <size> <out.json> [--fresh-fleet] [--alert-rules [--quick]]`: makes sure
 * a cached fleet of at least `size` enrolled agents exists before the timed suites start, and
 * with --alert-rules the alerts suite's copy of it with 1,000 rules. Enrolling is a one-time cost
 * (two scrypt PIN hashes per agent) that would otherwise eat a suite's time bound; so is creating
 * the rules.
 */
import { writeFileSync } from 'node:fs';
import { alertBenchConfig, openAlertBenchData } from './alert-rules';
import { openFleet } from './fleet';
import { log } from './suite';

async function main(): Promise<void> {
  const [size, out, ...flags] = process.argv.slice(2);
  const started = performance.now();
  const { fleet, reused } = await openFleet(Number(size), { fresh: flags.includes('--fresh-fleet'), log: (m) => log('fleet', m) });
  const rules = flags.includes('--alert-rules') ? await openAlertBenchData(alertBenchConfig(flags.includes('--quick')), (m) => log('fleet', m)) : null;
  writeFileSync(
    out,
    JSON.stringify({
      size: fleet.size,
      reused_from_cache: reused,
      built_at: fleet.created_at,
      enroll_seconds_when_built: fleet.enroll_seconds,
      ...(rules ? { alert_rules: { reused_from_cache: rules.rulesReused, build_seconds: rules.rulesBuildSeconds } } : {}),
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
