import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { run, runOk } from './process';

/**
 * Every namespace this toolkit creates is named `nwt-<pid>-<random>-<node>`. The pid lets a
 * later run recognise leftovers of a test process that died without cleaning up (its pid is
 * gone) without touching namespaces of runs that are still alive.
 */
const OURS = /^nwt-(\d+)-/;

export function newPrefix(): string {
  return `nwt-${process.pid}-${randomBytes(3).toString('hex')}`;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function listNamespaces(): Promise<string[]> {
  const out = await runOk('ip', ['netns', 'list']);
  return out
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter(Boolean);
}

/** Kills whatever still runs inside (only processes started in our namespaces) and deletes it. */
export async function removeNamespace(ns: string): Promise<void> {
  const pids = await run('ip', ['netns', 'pids', ns]);
  for (const pid of pids.stdout.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await run('ip', ['netns', 'del', ns]);
}

/** Synchronous variant for the process 'exit' hook. */
export function removeNamespaceSync(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    for (const pid of pids.split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
  } catch {
    // namespace already gone
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/** Removes namespaces with this exact prefix and any of ours whose creating process is dead. */
export async function removeLeftovers(prefix: string): Promise<string[]> {
  const stale = (await listNamespaces()).filter((ns) => {
    if (ns.startsWith(`${prefix}-`)) return true;
    const m = OURS.exec(ns);
    return m !== null && !pidAlive(Number(m[1]));
  });
  for (const ns of stale) await removeNamespace(ns);
  return stale;
}

const TOOLS = ['ip', 'iptables', 'tc', 'ping', 'mtr', 'gcc'];

/**
 * Why network-namespace tests cannot run here, or null when they can: needs root, the
 * tools, and a working `ip netns add` with iptables inside the namespace.
 */
export async function canUseNetns(): Promise<string | null> {
  const uid = process.getuid?.();
  if (uid !== 0) return `network namespace tests need root (running as uid ${uid})`;
  for (const tool of TOOLS) {
    const found = await run('sh', ['-c', `command -v ${tool}`]);
    if (found.code !== 0) return `${tool} is not installed`;
  }
  const probe = `${newPrefix()}-probe`;
  try {
    const added = await run('ip', ['netns', 'add', probe]);
    if (added.code !== 0) return `ip netns add failed: ${added.stderr.trim()}`;
    const ipt = await run('ip', ['netns', 'exec', probe, 'iptables', '-w', '-L', 'FORWARD', '-n']);
    if (ipt.code !== 0) return `iptables does not work inside a namespace: ${ipt.stderr.trim()}`;
    return null;
  } catch (err) {
    return `cannot run ip: ${(err as Error).message}`;
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => undefined);
  }
}
