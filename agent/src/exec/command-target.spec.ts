import { buildMtrArgs } from '../probes/mtr/mtr.args';
import { buildPingArgs } from '../probes/ping/ping.args';
import { HostName, ProbeConfig } from '@netwatcher/shared';
import { unsafeTargetReason, UnsafeTargetError } from './command-target';

const HOSTILE = ['-f', '--flood', '-i0', '127.0.0.1 -f', 'host\tname', 'host\nname', 'a\u0000b', '\u00a0-f', 'x\u007f', ''];

describe('probe targets can never become ping/mtr flags', () => {
  it.each(HOSTILE)('the arg builders refuse %j', (target) => {
    expect(() => buildPingArgs(target, { count: 1, timeoutSec: 2 })).toThrow(UnsafeTargetError);
    expect(() => buildMtrArgs(target, { count: 1, timeoutSec: 2 })).toThrow(UnsafeTargetError);
  });

  it.each(HOSTILE)('the shared schema refuses %j as a host and as a probe target', (target) => {
    expect(HostName.safeParse(target).success).toBe(false);
    const probe = { id: 1, type: 'PING', enabled: true, interval_sec: 60, timeout_sec: 10, count: 3, duration_sec: 0, server: false, targets: [target], agent_targets: [], updated_at: '' };
    expect(ProbeConfig.safeParse(probe).success).toBe(false);
  });

  it('lets ordinary hosts through', () => {
    for (const target of ['127.0.0.1', '::1', 'fe80::1%eth0', 'example.com', 'xn--bcher-kva.example', 'a-b.example']) {
      expect(unsafeTargetReason(target)).toBeNull();
      expect(HostName.safeParse(target).success).toBe(true);
      expect(buildPingArgs(target, { count: 1, timeoutSec: 2 }).at(-1)).toBe(target);
    }
  });
});
