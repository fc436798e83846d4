import { SysinfoPayload } from '@netwatcher/shared';
import { parseOsRelease, parseProcMounts, selectDiskMounts } from './sysinfo.parser';
import { collectSysinfo } from './sysinfo.probe';

// Abridged from this machine's /proc/mounts, plus an escaped space and an overlay root.
const MOUNTS = `proc /proc proc rw,relatime 0 0
sysfs /sys sysfs rw,relatime 0 0
devtmpfs /dev devtmpfs rw,relatime,size=12334432k 0 0
tmpfs /dev/shm tmpfs rw,relatime 0 0
/dev/vda / ext4 rw,relatime,discard 0 0
cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0
/dev/vda /run/netns ext4 rw,relatime,discard 0 0
nsfs /run/netns/a nsfs rw 0 0
/dev/sdb1 /mnt/my\\040disk xfs rw 0 0
overlay /var/lib/docker/rootfs overlay rw 0 0
`;

describe('sysinfo parsers', () => {
  it('keeps block devices once and real file systems, drops pseudo file systems', () => {
    expect(selectDiskMounts(parseProcMounts(MOUNTS))).toEqual([
      { source: '/dev/vda', mount: '/', fstype: 'ext4' },
      { source: '/dev/sdb1', mount: '/mnt/my disk', fstype: 'xfs' },
      { source: 'overlay', mount: '/var/lib/docker/rootfs', fstype: 'overlay' },
    ]);
  });

  it('reads PRETTY_NAME from os-release', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n')).toBe(
      'Debian GNU/Linux 12 (bookworm)',
    );
    expect(parseOsRelease('NAME=Alpine\n')).toBe('Alpine');
    expect(parseOsRelease('')).toBeNull();
  });

  it('collects a schema-valid payload on this host', async () => {
    const payload = await collectSysinfo('9.9.9');
    expect(SysinfoPayload.parse(payload).agent_version).toBe('9.9.9');
    expect(payload.disks.some((d) => d.mount === '/')).toBe(true);
    expect(payload.cpu.cores).toBeGreaterThan(0);
  });
});
