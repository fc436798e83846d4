import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the probe tools are looked up, in order. A fixed list instead of PATH: whoever can
 * change the agent's environment must not be able to put their own `ping` in front of it.
 */
export const SYSTEM_BIN_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/local/sbin'] as const;

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of `name` in the first of `dirs` that has it as an executable file, else null. */
export function findSystemBinary(name: string, dirs: readonly string[] = SYSTEM_BIN_DIRS, isExecutable = isExecutableFile): string | null {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return null;
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

const resolved = new Map<string, string | null>();

/** findSystemBinary, looked up once per name for the life of the process. */
export function systemBinary(name: string): string | null {
  if (!resolved.has(name)) resolved.set(name, findSystemBinary(name));
  return resolved.get(name) ?? null;
}
