import { runCommand } from './run-command';

// Real processes and real clocks: the point is that a hung child is really stopped.
describe('runCommand', () => {
  it('collects stdout, stderr and the exit code', async () => {
    const out = await runCommand('sh', ['-c', 'echo out; echo err >&2; exit 3'], { timeoutMs: 5000 });
    expect(out).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, timedOut: false, spawnError: null });
  });

  it('kills a hung command at its timeout with SIGTERM', async () => {
    const out = await runCommand('sleep', ['30'], { timeoutMs: 1000 });
    expect(out.timedOut).toBe(true);
    expect(out.signal).toBe('SIGTERM');
    expect(out.durationMs).toBeGreaterThanOrEqual(950);
    expect(out.durationMs).toBeLessThan(3000);
  });

  it('follows up with SIGKILL when SIGTERM is ignored, including grandchildren', async () => {
    const out = await runCommand('sh', ['-c', 'trap "" TERM; sleep 30; echo never'], {
      timeoutMs: 500,
      killGraceMs: 500,
    });
    expect(out.timedOut).toBe(true);
    expect(out.signal).toBe('SIGKILL');
    expect(out.stdout).toBe('');
    expect(out.durationMs).toBeLessThan(3000);
  });

  it('stops on abort', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const out = await runCommand('sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal });
    expect(out.aborted).toBe(true);
    expect(out.timedOut).toBe(false);
    expect(out.durationMs).toBeLessThan(3000);
  });

  it('reports a command that cannot be started', async () => {
    const out = await runCommand('/nonexistent/netwatcher-binary', [], { timeoutMs: 1000 });
    expect(out.spawnError).toContain('ENOENT');
    expect(out.exitCode).toBeNull();
  });
});
