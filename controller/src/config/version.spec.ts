import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROLLER_VERSION } from './version';

describe('CONTROLLER_VERSION', () => {
  it('matches controller/package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    expect(CONTROLLER_VERSION).toBe(pkg.version);
  });
});
