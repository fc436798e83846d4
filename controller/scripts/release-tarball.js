#!/usr/bin/env node
// Builds the controller's production release: release/netwatcher-<version>.tar.gz with the built
// dist/ of every workspace, the manifests and the lockfile, deploy/, and the single-executable
// agent when `npm run release:agent` has built one. On the server:
//   tar xzf netwatcher-<version>.tar.gz && cd netwatcher-<version> && npm ci --omit=dev
//   node controller/dist/main.js          (or deploy/systemd/netwatcher-controller.service)
// Usage: node controller/scripts/release-tarball.js [--out dir]   (after `npm run build`)
'use strict';
const { execFileSync } = require('node:child_process');
const { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = join(__dirname, '..', '..');
const outIndex = process.argv.indexOf('--out');
const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'release'));
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const name = `netwatcher-${version}`;

for (const built of ['shared/dist/index.js', 'controller/dist/main.js', 'agent/dist/cli.js']) {
  if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run \`npm run build\` first`);
}
const stage = mkdtempSync(join(tmpdir(), 'nw-release-'));
try {
  const dest = join(stage, name);
  const copy = (rel) => cpSync(join(root, rel), join(dest, rel), { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
  for (const rel of ['package.json', 'package-lock.json', 'README.md', 'deploy', 'shared/package.json', 'shared/dist',
    'controller/package.json', 'controller/dist', 'controller/scripts/prepare.js', 'agent/package.json', 'agent/bin', 'agent/dist']) {
    copy(rel);
  }
  // The agent binary the controller serves (AGENT_RELEASE_DIR defaults to ./release).
  if (existsSync(join(root, 'release', 'manifest.json'))) {
    mkdirSync(join(dest, 'release'));
    for (const f of ['manifest.json', 'netwatcher-agent-linux-x64', 'netwatcher-agent-linux-x64.sha256', 'netwatcher-agent-linux-x64.sig']) {
      cpSync(join(root, 'release', f), join(dest, 'release', f));
    }
  }
  mkdirSync(out, { recursive: true });
  const tarball = join(out, `${name}.tar.gz`);
  execFileSync('tar', ['czf', tarball, '-C', stage, name]);
  process.stdout.write(`wrote ${tarball}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
