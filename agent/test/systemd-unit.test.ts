import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SYSTEM_CONFIG_PATH, SYSTEM_DATA_DIR } from '../src/config/default-paths';

const ROOT = join(__dirname, '..', '..');
const UNIT = join(ROOT, 'deploy', 'systemd', 'netwatcher-agent.service');

describe('the agent systemd unit', () => {
  it('rates OK or better in systemd-analyze security (offline)', () => {
    // systemd-analyze exits non-zero when the exposure is above its threshold; the output is what counts.
    let out: string;
    try {
      out = execFileSync('systemd-analyze', ['security', '--offline=true', UNIT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
      if (!out) throw e;
    }
    const m = /Overall exposure level for netwatcher-agent\.service: (\d+\.\d) (\w+)/.exec(out);
    expect(m).not.toBeNull();
    expect(['PERFECT', 'SAFE', 'OK']).toContain(m![2]);
    expect(Number(m![1])).toBeLessThan(5);
  });

  it('runs unprivileged with only CAP_NET_RAW, and agrees with the agent and README on config and spool', () => {
    const unit = readFileSync(UNIT, 'utf8');
    for (const line of [
      'User=netwatcher-agent', 'AmbientCapabilities=CAP_NET_RAW', 'CapabilityBoundingSet=CAP_NET_RAW', 'NoNewPrivileges=yes',
      'ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'StateDirectory=netwatcher-agent', 'ConfigurationDirectory=netwatcher-agent',
    ]) {
      expect(unit).toMatch(new RegExp(`^${line}$`, 'm'));
    }
    const exec = /^ExecStart=(.*)$/m.exec(unit)![1];
    expect(exec).toContain(`--config ${SYSTEM_CONFIG_PATH}`);
    expect(exec).toContain(`--data-dir ${SYSTEM_DATA_DIR}`);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(SYSTEM_DATA_DIR);
    expect(readme).toContain(SYSTEM_CONFIG_PATH);
  });
});
