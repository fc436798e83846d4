import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AGENT_BIN, assertBuilt } from './support/agent-process';

const AGENT_CLI = join(__dirname, '..', 'dist', 'cli.js');
const MIB = 1024 * 1024;

/**
 * Loads `entry` as `netwatcher-agent --version` would, then churns objects that survive a few
 * scavenges (as an agent's running probes do) and reports how large V8 let the young generation grow.
 */
function youngGenerationAfterChurn(entry: string): number {
  const script = `
    const v8 = require('node:v8');
    process.argv = [process.execPath, ${JSON.stringify(entry)}, '--version'];
    require(${JSON.stringify(entry)});
    let keep = [];
    for (let i = 0; i < 400000; i++) {
      keep.push({ i, s: 'x' + i });
      if (keep.length > 20000) keep = keep.slice(10000);
    }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stderr.write('new_space=' + young.space_size + '\\n');
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const m = /new_space=(\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no figure from the child (exit ${r.status}): ${r.stderr}`);
  return Number(m[1]);
}

// The agent's RSS target (≤ 80 MB with 100 probes) depends on this: see BENCHMARKS.md, agent RSS.
describe('agent launcher (bin/netwatcher-agent.js)', () => {
  beforeAll(assertBuilt);

  it('keeps the V8 young generation at its initial size, which the CLI alone lets grow', () => {
    expect(youngGenerationAfterChurn(AGENT_CLI)).toBeGreaterThan(4 * MIB);
    expect(youngGenerationAfterChurn(AGENT_BIN)).toBeLessThanOrEqual(2 * MIB);
  });
});

describe('the CLI as a pipeline stage', () => {
  it('exits quietly with 0 when the reader of its output goes away (`--help | head -c 10`)', () => {
    assertBuilt();
    const r = spawnSync('bash', ['-c', `'${process.execPath}' '${AGENT_BIN}' run --help | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}" >&2`], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe('status=0');
  });
});
