import { createHash } from 'node:crypto';
import { readFile, realpath, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { AgentExit, ExitCode } from '../exit-codes';

/** The abstract socket name (Linux: no file, gone with its process) that locks one spool directory. */
export async function spoolLockName(lockPath: string): Promise<string> {
  const dir = await realpath(dirname(lockPath));
  return `\0netwatcher-agent-spool-${createHash('sha256').update(dir).digest('hex').slice(0, 32)}`;
}

/**
 * One agent process per spool directory: two writers appending to the same log would corrupt
 * each other's offsets. The lock is an abstract Unix socket named after the directory: the
 * kernel frees it when its process dies, however it dies, so a crash can never leave a lock that
 * keeps the next start down (a pid file can: the pid of a dead agent may belong to another
 * process by then). Abstract sockets are per network namespace; two agents sharing one directory
 * from different namespaces are not caught. `spool.lock` only tells a human which pid holds it.
 */
export async function acquireSpoolLock(lockPath: string): Promise<() => Promise<void>> {
  const name = await spoolLockName(lockPath);
  // Within one process the lock is shared, as the pid file was: a spool object abandoned without
  // close() (what the crash tests do) must not lock its own process out.
  const held = heldHere.get(name);
  if (held) {
    held.refs++;
    return () => release(name, lockPath);
  }
  const server = createServer((socket) => socket.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: name, exclusive: true }, () => resolve());
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    const holder = (await readFile(lockPath, 'utf8').catch(() => '')).trim();
    throw new AgentExit(
      ExitCode.Usage,
      `spool directory ${dirname(lockPath)} is in use by another agent${holder ? ` (pid ${holder})` : ''}; give each agent its own --data-dir`,
    );
  }
  // The lock must not keep a stopping agent alive.
  server.unref();
  heldHere.set(name, { server, refs: 1 });
  await writeFile(lockPath, `${process.pid}\n`, { mode: 0o600 });
  return () => release(name, lockPath);
}

const heldHere = new Map<string, { server: Server; refs: number }>();

async function release(name: string, lockPath: string): Promise<void> {
  const held = heldHere.get(name);
  if (!held || --held.refs > 0) return;
  heldHere.delete(name);
  await unlink(lockPath).catch(() => undefined);
  await new Promise<void>((resolve) => held.server.close(() => resolve()));
}

/** True while a live agent holds the lock of this spool directory (`status` asks; nothing is written). */
export async function isSpoolLocked(lockPath: string): Promise<boolean> {
  const name = await spoolLockName(lockPath).catch(() => null);
  if (name === null) return false;
  if (heldHere.has(name)) return true;
  const probe = createServer();
  return new Promise<boolean>((resolve, reject) => {
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    probe.listen({ path: name, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}
