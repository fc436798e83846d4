import { PROBE_CATALOGUE, PROBE_TYPES, type ProbeConfig, type ProbeType } from '@netwatcher/shared';
import type { CommandRunner } from '../exec/run-command';
import { pingRunner } from './ping/ping.probe';
import { LOCAL_PROBES, runnerFor } from './runner-registry';

describe('runner registry', () => {
  it('runs every catalogue type, and nothing for a type it does not know', () => {
    expect(PROBE_TYPES.filter((t) => runnerFor(t))).toEqual(['PING', 'MTR', 'SPEEDTEST', 'SYSINFO', 'NETINFO', 'TRAFFICSIM', 'AGENT']);
    expect(runnerFor('NEWTYPE' as ProbeType)).toBeUndefined();
  });

  it('offers the local probe command the same runners, with their defaults', () => {
    expect([...LOCAL_PROBES.keys()]).toEqual(['ping', 'mtr', 'speedtest', 'sysinfo', 'netinfo']);
    expect(LOCAL_PROBES.get('speedtest')).toMatchObject({ kind: 'server', defaults: { timeoutSec: 120 } });
    expect(LOCAL_PROBES.get('ping')).toMatchObject({ kind: 'target', defaults: { count: 5, timeoutSec: 10 } });
    expect(LOCAL_PROBES.get('mtr')).toMatchObject({ kind: 'target', defaults: { count: 5, timeoutSec: 30 } });
    expect(LOCAL_PROBES.get('sysinfo')?.kind).toBe('self');
    expect(LOCAL_PROBES.get('ping')).toBe(runnerFor('PING')?.local);
  });

  it('takes the count of a probe that leaves it 0 from the catalogue', async () => {
    const args: string[][] = [];
    const run: CommandRunner = async (_command, a) => {
      args.push([...a]);
      return { stdout: '', stderr: '', exitCode: 1, signal: null, timedOut: false, aborted: false, spawnError: null, durationMs: 1 };
    };
    const probe: ProbeConfig = {
      id: 1, type: 'PING', enabled: true, interval_sec: 60, timeout_sec: 10, count: 0, duration_sec: 0, server: false,
      targets: ['192.0.2.1'], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z',
    };
    await pingRunner.measure(probe, { run, publicIp: async () => null, agentVersion: '0.1.0', controller: null }, new AbortController().signal);
    const count = args[0][args[0].indexOf('-c') + 1];
    expect(Number(count)).toBe(PROBE_CATALOGUE.PING.rules.count?.default);
  });
});
