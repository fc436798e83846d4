import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOk } from './process';

const SOURCE = join(__dirname, 'nfq-delay.c');

let building: Promise<string> | undefined;

/**
 * Compiles nfq-delay.c once per source version into os.tmpdir()/netwatcher-nfq-<hash>/ and
 * returns the binary path. The hash makes an edited source rebuild; the compile goes to a
 * per-process temp name and is renamed into place, so concurrent test runs never see a
 * half-written binary.
 */
export function buildDelayHelper(): Promise<string> {
  building ??= (async () => {
    const source = readFileSync(SOURCE);
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const dir = join(tmpdir(), `netwatcher-nfq-${hash}`);
    const binary = join(dir, 'nfq-delay');
    if (existsSync(binary)) return binary;
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.tmp`;
    await runOk('gcc', ['-O2', '-Wall', '-o', partial, SOURCE, '-lnetfilter_queue', '-lnfnetlink'], {
      timeoutMs: 60_000,
    });
    renameSync(partial, binary);
    return binary;
  })();
  // A failed build must not be cached: the next caller gets a fresh attempt and error.
  building.catch(() => (building = undefined));
  return building;
}
