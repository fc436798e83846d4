import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

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
  await commitTempFile(temp, target);
}
