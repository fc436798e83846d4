import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
// A suite stopped at its time bound gets SIGTERM (see run-suite.ts): its temp dirs go with it.
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp directory removed by `remove()`, or at the latest when the process exits. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(path);
  return {
    path,
    remove() {
      rmSync(path, { recursive: true, force: true });
      dirs.delete(path);
    },
  };
}
