import { open, readFile, unlink } from 'node:fs/promises';
import { AgentExit, ExitCode } from '../exit-codes';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One agent process per spool directory: two writers appending to the same log would corrupt
 * each other's offsets. A lock left by a crashed process (dead pid, or our own pid after a
 * container restart) is taken over.
 */
export async function acquireSpoolLock(lockPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return () => unlink(lockPath).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new AgentExit(
          ExitCode.Usage,
          `spool directory is in use by another agent (pid ${pid}, lock ${lockPath}); give each agent its own --data-dir`,
        );
      }
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw new AgentExit(ExitCode.Usage, `could not lock the spool (${lockPath})`);
}
