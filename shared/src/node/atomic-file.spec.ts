import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file';

describe.each([
  ['writeFileAtomic', (target: string, data: string) => writeFileAtomic(target, data)],
  ['writeFileAtomicSync', async (target: string, data: string) => writeFileAtomicSync(target, data)],
])('%s', (_name, write) => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nw-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('replaces the content, owner-only, and leaves no temp file behind', async () => {
    const target = join(dir, 'secret');
    writeFileSync(target, 'old', { mode: 0o644 });
    const umask = process.umask(0);
    try {
      await write(target, 'new content\n');
    } finally {
      process.umask(umask);
    }
    expect(readFileSync(target, 'utf8')).toBe('new content\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  it('fails cleanly when the target cannot be replaced: nothing changed, no temp file left', async () => {
    const target = join(dir, 'is-a-directory');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'untouched');
    await expect(write(target, 'new')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['is-a-directory']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('untouched');
  });
});
