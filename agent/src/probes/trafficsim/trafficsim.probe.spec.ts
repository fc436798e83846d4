import type { ProbeConfig } from '@netwatcher/shared';
import type { CommandRunner } from '../../exec/run-command';
import { agentRunner } from '../agent/agent.probe';
import { buildResult } from '../probe-result';
import type { RunnerDeps } from '../probe-runner';
import { TrafficsimListener } from './trafficsim.server';
import { hostPort, trafficsimRunner } from './trafficsim.probe';

const key = Buffer.alloc(32, 9);
// PING and MTR of the AGENT plan get nothing back: only the TRAFFICSIM step is under test here.
const silent: CommandRunner = async () => ({ stdout: '', stderr: '', exitCode: 1, signal: null, timedOut: false, aborted: false, spawnError: null, durationMs: 1 });
const deps: RunnerDeps = { run: silent, publicIp: async () => null, agentVersion: 'test', controller: null };

function config(over: Partial<ProbeConfig>): ProbeConfig {
  return {
    id: 7, type: 'TRAFFICSIM', enabled: true, interval_sec: 300, timeout_sec: 1, count: 0, duration_sec: 1, server: false,
    targets: [], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

describe('TRAFFICSIM runner', () => {
  let listener: TrafficsimListener;
  beforeAll(async () => {
    listener = new TrafficsimListener(0);
    listener.responder.setKeys(new Map([[21, key]]));
    await listener.start();
  });
  afterAll(() => listener.close());

  it('writes targets as host:port, brackets around IPv6', () => {
    expect(hostPort('10.0.0.1', 5000)).toBe('10.0.0.1:5000');
    expect(hostPort('2001:db8::1', 5000)).toBe('[2001:db8::1]:5000');
  });

  it('runs a client toward the peer the controller named; the result passes the shared schema', async () => {
    const probe = config({
      agent_targets: [{ id: 3, address: '127.0.0.1' }],
      trafficsim: { port: 50_505, rate_pps: 40, packet_size: 100, peer: { agent_id: 3, address: '127.0.0.1', port: listener.boundPort(), key_id: 21, key: key.toString('base64') } },
    });
    const [m] = await trafficsimRunner.measure(probe, deps, new AbortController().signal);
    expect(m).toMatchObject({ probeId: 7, type: 'TRAFFICSIM', target: `127.0.0.1:${listener.boundPort()}`, targetAgent: 3 });
    expect(m.payload).toMatchObject({ sent: 40, received: 40, loss_pct: 0, rate_pps: 40, packet_size: 100, duration_sec: 1, peer_agent_id: 3 });
    expect(buildResult(m).ok).toBe(true);
  });

  it('reports a client without a pair key as an error result, and measures nothing for a server', async () => {
    const [m] = await trafficsimRunner.measure(config({ targets: ['10.0.0.9:41000'] }), deps, new AbortController().signal);
    expect(m.payload).toMatchObject({ sent: 0, target: '10.0.0.9:41000', error: expect.stringMatching(/no pair key/) });
    expect(buildResult(m).ok).toBe(true);
    expect(await trafficsimRunner.measure(config({ server: true }), deps, new AbortController().signal)).toEqual([]);
  });

  it('AGENT plans add a TRAFFICSIM run toward a peer that serves, after its PING and MTR', async () => {
    const probe = config({
      type: 'AGENT', count: 1, duration_sec: 0,
      agent_targets: [{ id: 3, address: '127.0.0.1' }, { id: 4, address: '127.0.0.2' }],
      trafficsim: { port: 50_505, rate_pps: 20, packet_size: 100, peers: [{ agent_id: 3, address: '127.0.0.1', port: listener.boundPort(), key_id: 21, key: key.toString('base64') }] },
    });
    const out = await agentRunner.measure(probe, deps, new AbortController().signal);
    expect(out.map((m) => [m.type, m.targetAgent])).toEqual([['PING', 3], ['MTR', 3], ['TRAFFICSIM', 3], ['PING', 4], ['MTR', 4]]);
    const flow = out[2];
    // AGENT probes have no duration of their own: the plan's flow lasts AGENT_FLOW_SECONDS.
    expect(flow.payload).toMatchObject({ sent: 200, received: 200, loss_pct: 0, duration_sec: 10 });
    expect(buildResult(flow).ok).toBe(true);
  }, 30_000);
});
