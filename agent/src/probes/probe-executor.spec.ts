import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { PROBE_TYPES, ProbeResult, type ProbeConfig } from '@netwatcher/shared';
import type { CommandRunner } from '../exec/run-command';
import { createProbeExecutor } from './probe-executor';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');
const pingOut = readFileSync(join(FIXTURES, 'ping', 'ping-success.txt'), 'utf8');
const mtrOut = readFileSync(join(FIXTURES, 'mtr', 'mtr-two-hops.txt'), 'utf8');

function probe(over: Partial<ProbeConfig>): ProbeConfig {
  return {
    id: 7, type: 'PING', enabled: true, interval_sec: 60, timeout_sec: 10, count: 5, duration_sec: 0, server: false,
    targets: [], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

function executor() {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    calls.push(`${command} ${args[args.length - 1]}`);
    return {
      stdout: command === 'ping' ? pingOut : mtrOut, stderr: '', exitCode: 0, signal: null,
      timedOut: false, aborted: false, spawnError: null, durationMs: 1,
    };
  };
  const exec = createProbeExecutor({ run, publicIp: async () => null, agentVersion: '0.1.0', controller: null, log: pino({ level: 'silent' }) });
  return { exec, calls };
}

describe('probe executor', () => {
  it('makes one valid PING result per target with a fresh uuid and the end time', async () => {
    const { exec } = executor();
    const before = Date.now();
    const results = await exec.execute(probe({ targets: ['127.0.0.1', '127.0.0.2'] }), new AbortController().signal);
    expect(results).toHaveLength(2);
    for (const r of results) {
      expect(ProbeResult.parse(r)).toEqual(r);
      expect(Date.parse(r.created_at)).toBeGreaterThanOrEqual(before - 1);
    }
    expect(new Set(results.map((r) => r.id)).size).toBe(2);
    expect(results.map((r) => r.target)).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('expands an AGENT probe into PING then MTR toward each peer with an address', async () => {
    const { exec, calls } = executor();
    const results = await exec.execute(
      probe({ type: 'AGENT', agent_targets: [{ id: 3, address: '198.18.42.2' }, { id: 4, address: null }] }),
      new AbortController().signal,
    );
    expect(calls).toEqual(['ping 198.18.42.2', 'mtr 198.18.42.2']);
    expect(results.map((r) => [r.type, r.probe_id, r.target, r.target_agent])).toEqual([
      ['PING', 7, '198.18.42.2', 3],
      ['MTR', 7, '198.18.42.2', 3],
    ]);
  });

  it('returns nothing from a run aborted by shutdown', async () => {
    const { exec } = executor();
    const ac = new AbortController();
    ac.abort();
    expect(await exec.execute(probe({ targets: ['127.0.0.1'] }), ac.signal)).toEqual([]);
  });

  it('supports every catalogue type, and no type it does not know', () => {
    const { exec } = executor();
    expect(PROBE_TYPES.every((t) => exec.supports(t))).toBe(true);
    expect(exec.supports('NEWTYPE' as ProbeConfig['type'])).toBe(false);
  });

  it('budgets each measurement its timeout plus slack', () => {
    const { exec } = executor();
    expect(exec.budgetMs(probe({ targets: ['a'] }))).toBe(13_000);
    expect(exec.budgetMs(probe({ type: 'AGENT', agent_targets: [{ id: 3, address: 'x' }] }))).toBe(26_000);
  });

  it('budgets a TRAFFICSIM flow its duration, the answers\' wait and the stats exchange', () => {
    const { exec } = executor();
    // 60 s of packets + 10 s timeout + 3 s stats = 73 s, in 13 s steps, with one to spare.
    expect(exec.budgetMs(probe({ type: 'TRAFFICSIM', duration_sec: 60 }))).toBe(7 * 13_000);
    expect(exec.budgetMs(probe({ type: 'TRAFFICSIM', server: true }))).toBe(13_000);
    const trafficsim = { port: 50_505, rate_pps: 50, packet_size: 200, peers: [{ agent_id: 3, address: 'x', port: 50_505, key_id: 1, key: 'k' }] };
    // PING + MTR, then a 10 s flow: 10 + 10 + 3 = 23 s → 3 steps.
    expect(exec.budgetMs(probe({ type: 'AGENT', agent_targets: [{ id: 3, address: 'x' }], trafficsim }))).toBe((2 + 3) * 13_000);
  });
});
