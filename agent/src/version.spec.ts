import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENT_VERSION } from './version';

describe('AGENT_VERSION', () => {
  it('matches agent/package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(AGENT_VERSION).toBe(pkg.version);
  });
});
