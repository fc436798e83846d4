import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandOutput, CommandRunner, RunOptions } from '../exec/run-command';
import { runMtrProbe } from './mtr/mtr.probe';
import { runPingProbe } from './ping/ping.probe';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');

/** A runner that records what it was asked to run and answers with recorded output. */
function recordedRunner(stdout: string, extra: Partial<CommandOutput> = {}) {
  const calls: { command: string; args: readonly string[]; options: RunOptions }[] = [];
  const runner: CommandRunner = async (command, args, options) => {
    calls.push({ command, args, options });
    return { stdout, stderr: '', exitCode: 0, signal: null, timedOut: false, aborted: false, spawnError: null, durationMs: 5, ...extra };
  };
  return { runner, calls };
}

describe('probes with an injected runner', () => {
  it('PING spawns ping with the built flags, SIGINT on timeout, and parses the output', async () => {
    const { runner, calls } = recordedRunner(readFileSync(join(FIXTURES, 'ping', 'ping-success.txt'), 'utf8'));
    const payload = await runPingProbe('127.0.0.1', { count: 5, timeoutSec: 10 }, runner);
    expect(calls).toHaveLength(1);
    expect(calls[0].command).toBe('ping');
    expect(calls[0].args).toEqual(['-n', '-c', '5', '-i', '1', '-W', '2', '127.0.0.1']);
    expect(calls[0].options).toMatchObject({ timeoutMs: 10_000, killSignal: 'SIGINT' });
    expect(payload.received).toBe(5);
  });

  it('MTR spawns mtr and turns a timeout into an error payload', async () => {
    const { runner, calls } = recordedRunner('', { timedOut: true, exitCode: null, signal: 'SIGTERM' });
    const payload = await runMtrProbe('10.0.0.1', { count: 3, timeoutSec: 7 }, runner);
    expect(calls[0].command).toBe('mtr');
    expect(calls[0].options.timeoutMs).toBe(7000);
    expect(payload).toEqual({ target: '10.0.0.1', hops: [], error: 'mtr did not finish within 7 s' });
  });
});
