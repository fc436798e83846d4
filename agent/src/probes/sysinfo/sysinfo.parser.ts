/** Pure helpers for SYSINFO: which mounts are disks, and the distribution name. */

export interface MountEntry {
  source: string;
  mount: string;
  fstype: string;
}

/** Pseudo and memory file systems: their "size" says nothing about the host's disks. */
const VIRTUAL_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'ramfs', 'cgroup', 'cgroup2', 'pstore', 'bpf', 'tracefs',
  'debugfs', 'securityfs', 'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'autofs', 'binfmt_misc', 'rpc_pipefs',
  'nsfs', 'squashfs', 'efivarfs', 'selinuxfs', 'fuse.lxcfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'iso9660',
]);

/** Disk and network file systems whose source is not a /dev node. */
const NON_DEVICE_REAL_FS = new Set(['overlay', 'zfs', 'nfs', 'nfs4', 'cifs', 'smb3', 'fuseblk', '9p', 'virtiofs']);

/** /proc/mounts escapes space, tab, newline and backslash as octal (`\040`). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

export function parseProcMounts(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [source, mount, fstype] = line.trim().split(/\s+/);
    if (!source || !mount || !fstype) continue;
    entries.push({ source: unescapeMountField(source), mount: unescapeMountField(mount), fstype });
  }
  return entries;
}

/**
 * The mounts worth reporting as disks: block devices and real (network/overlay) file systems,
 * each device once (bind mounts of the same device repeat it, e.g. `/run/netns`).
 */
export function selectDiskMounts(entries: readonly MountEntry[]): MountEntry[] {
  const seen = new Set<string>();
  const disks: MountEntry[] = [];
  for (const e of entries) {
    if (VIRTUAL_FS.has(e.fstype)) continue;
    if (!e.source.startsWith('/dev/') && !NON_DEVICE_REAL_FS.has(e.fstype)) continue;
    const key = e.fstype === 'overlay' ? `overlay:${e.mount}` : e.source;
    if (seen.has(key)) continue;
    seen.add(key);
    disks.push(e);
  }
  return disks.slice(0, 256);
}

/** PRETTY_NAME from /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)". */
export function parseOsRelease(text: string): string | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], m[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  const name = fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? null;
  return name ? name.slice(0, 200) : null;
}
