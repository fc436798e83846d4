import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuild } from './support/processes';

const ROOT = join(__dirname, '..', '..');

/**
 * The controller's production install path: a tarball with the built dist/ whose `prepare` step
 * does not need the dev tools, so `npm ci --omit=dev` in it does not fail on a missing tsc.
 */
describe('controller release tarball', () => {
  let dir: string;
  beforeAll(() => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-tarball-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('holds the built workspaces, manifests, lockfile and deploy/, and no sources or node_modules', () => {
    execFileSync(process.execPath, [join(ROOT, 'controller', 'scripts', 'release-tarball.js'), '--out', dir]);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    const tarball = join(dir, `netwatcher-${version}.tar.gz`);
    const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const top = `netwatcher-${version}/`;
    for (const f of ['package.json', 'package-lock.json', 'controller/dist/main.js', 'controller/scripts/prepare.js', 'shared/dist/index.js',
      'agent/dist/cli.js', 'agent/bin/netwatcher-agent.js', 'deploy/install.sh', 'deploy/systemd/netwatcher-agent.service']) {
      expect(entries).toContain(top + f);
    }
    expect(entries.filter((e) => e.includes('node_modules/') || /\/src\/.*\.ts$/.test(e) || e.endsWith('.tsbuildinfo'))).toEqual([]);

    // Unpacked where no TypeScript can be resolved: prepare succeeds without building anything.
    execFileSync('tar', ['xzf', tarball, '-C', dir]);
    const prepared = spawnSync(process.execPath, [join(dir, top, 'controller', 'scripts', 'prepare.js')], { encoding: 'utf8' });
    expect(prepared.status).toBe(0);
    expect(prepared.stdout).toContain('prebuilt release');
    expect(JSON.parse(readFileSync(join(dir, top, 'package.json'), 'utf8')).scripts.prepare).toBe('node controller/scripts/prepare.js');
  });

  it('fails prepare with a clear message where there is neither TypeScript nor a build', () => {
    const bare = mkdtempSync(join(dir, 'bare-'));
    execFileSync('sh', ['-c', `mkdir -p ${bare}/controller/scripts && cp ${join(ROOT, 'controller', 'scripts', 'prepare.js')} ${bare}/controller/scripts/`]);
    const r = spawnSync(process.execPath, [join(bare, 'controller', 'scripts', 'prepare.js')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('TypeScript is not installed and there is no built dist/');
  });
});
