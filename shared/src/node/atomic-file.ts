import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync, fchmodSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

/*
 * Crash-safe file writes for the agent (config with its PSK, spool segments) and the
 * controller (generated JWT secret, local-agent state, admin credentials). Node-only, so it
 * lives under `@netwatcher/shared/node`, apart from the protocol package's main entry.
 */

/** fsync a directory so a rename or a new file inside it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a fully written and fsync'd temp file take the place of `target`, durably. */
export async function commitTempFile(tempPath: string, target: string): Promise<void> {
  await rename(tempPath, target);
  await syncDir(dirname(target));
}

/**
 * Writes `data` to `target` so that a crash leaves either the old or the new content, never a
 * torn file: temp file in the same directory (created with `mode`, so a secret is never
 * readable by others even briefly), fsync, rename, fsync of the directory.
 */
export async function writeFileAtomic(target: string, data: string | Buffer, mode = 0o600): Promise<void> {
  const temp = `${target}.${process.pid}.tmp`;
  const fh = await open(temp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed or the temp file may have pre-existed
    await fh.sync();
  } catch (e) {
    await fh.close();
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  try {
    await commitTempFile(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

/**
 * The synchronous twin of writeFileAtomic, for start-up code that runs before anything is
 * asynchronous (the controller's config load): same guarantees, parent directory created.
 */
export function writeFileAtomicSync(target: string, data: string | Buffer, mode = 0o600): void {
  mkdirSync(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', mode);
  try {
    writeFileSync(fd, data);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  const dir = openSync(dirname(target), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
