import { findSystemBinary, SYSTEM_BIN_DIRS } from './system-binaries';
import { runCommand } from './run-command';

describe('probe tools are run by absolute path, never through PATH', () => {
  it('looks only in the fixed system directories, in order', () => {
    const seen: string[] = [];
    const found = findSystemBinary('ping', ['/opt/a', '/opt/b'], (p) => (seen.push(p), p === '/opt/b/ping'));
    expect(found).toBe('/opt/b/ping');
    expect(seen).toEqual(['/opt/a/ping', '/opt/b/ping']);
    expect(SYSTEM_BIN_DIRS).not.toContain('.');
  });

  it('refuses names that are paths or flags', () => {
    expect(findSystemBinary('../ping', ['/usr/bin'], () => true)).toBeNull();
    expect(findSystemBinary('-ping', ['/usr/bin'], () => true)).toBeNull();
  });

  it('ignores a ping planted on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent-planted-dir';
    try {
      const out = await runCommand('ping', ['-n', '-c', '1', '-W', '1', '127.0.0.1'], { timeoutMs: 5000 });
      expect(out.spawnError).toBeNull();
      expect(out.stdout).toMatch(/1 packets transmitted/);
      const missing = await runCommand('no-such-probe-tool', [], { timeoutMs: 1000 });
      expect(missing.spawnError).toMatch(/not found in \/usr\/bin/);
    } finally {
      process.env.PATH = saved;
    }
  });
});
