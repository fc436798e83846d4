#!/usr/bin/env node
// npm's "prepare" step, run after `npm ci` / `npm install` at the repository root. From a git
// checkout it builds (tsc, a dev dependency). In a release tarball (`npm run release:controller`,
// dist/ already built) installed with `npm ci --omit=dev` there is no TypeScript and nothing to
// build, which used to fail the whole install.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
let hasTypeScript = true;
try {
  require.resolve('typescript/package.json', { paths: [root] });
} catch {
  hasTypeScript = false;
}
if (!hasTypeScript) {
  if (existsSync(join(root, 'controller', 'dist', 'main.js'))) {
    process.stdout.write('netwatcher: prebuilt release (dist/ present, dev tools omitted): nothing to build\n');
    process.exit(0);
  }
  process.stderr.write('netwatcher: TypeScript is not installed and there is no built dist/: run `npm ci` with dev dependencies, or install from a release tarball (`npm run release:controller`)\n');
  process.exit(1);
}
const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
process.exit(built.status ?? 1);
