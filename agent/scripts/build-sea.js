#!/usr/bin/env node
// Builds the single-executable agent: esbuild bundles the compiled CLI (agent/dist, from
// `npm run build`) into one CommonJS file, Node's SEA support turns it into a blob, and postject
// injects the blob into a copy of this node binary. Writes into the release folder:
//   netwatcher-agent-linux-x64          the executable
//   netwatcher-agent-linux-x64.sha256   "<hex>  netwatcher-agent-linux-x64" (sha256sum -c format)
//   netwatcher-agent-linux-x64.sig      base64 Ed25519 signature of the release statement
//   manifest.json                       {version, platform, sha256, file, built_at}
//
// Usage: node agent/scripts/build-sea.js [--out release] [--version X.Y.Z] [--key file.pem]
//   --version  stamps another version into the bundle (pre-releases, the self-update test);
//              default: agent/package.json
//   --key      Ed25519 private key (PKCS#8 PEM) to sign with; default NW_RELEASE_SIGNING_KEY,
//              else the controller's own key, ${DATA_DIR:-./data}/agent-signing-key.pem
//              (created when missing, exactly as the controller does at first start)
'use strict';
const { execFileSync } = require('node:child_process');
const { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative, resolve } = require('node:path');
const esbuild = require('esbuild');
const { AGENT_BINARY_NAME, AGENT_PLATFORM, loadOrCreateSigningKey, readSigningKey, releaseStatement, sha256File, signRelease } =
  require('@netwatcher/shared/node');

const AGENT_DIR = resolve(__dirname, '..');
const REPO_DIR = resolve(AGENT_DIR, '..');
// The fuse name Node's SEA loader looks for (documented with `node --experimental-sea-config`).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
// Packages of the controller that must never end up in the agent (size, native addons).
const CONTROLLER_ONLY = /node_modules\/(@nestjs|typeorm|pg|@electric-sql|chdb|@clickhouse|maxmind|whoiser|oui-data|@ip-location-db|argon2|express)\//;

function parseArgs(argv) {
  const args = { out: join(REPO_DIR, 'release'), version: null, key: process.env.NW_RELEASE_SIGNING_KEY || null };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (!['--out', '--version', '--key'].includes(name) || value === undefined) {
      throw new Error(`usage: build-sea.js [--out dir] [--version X.Y.Z] [--key private.pem] (bad argument ${JSON.stringify(name)})`);
    }
    args[name.slice(2)] = value;
    i++;
  }
  if (args.version !== null && !/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(args.version)) {
    throw new Error(`--version must look like 1.2.3 (optionally -pre), got ${JSON.stringify(args.version)}`);
  }
  return args;
}

/** Replaces the AGENT_VERSION constant while bundling, so a build can carry another version. */
function versionPlugin(version) {
  return {
    name: 'agent-version',
    setup(build) {
      build.onLoad({ filter: /agent[\\/]dist[\\/]version\.js$/ }, (file) => {
        const source = readFileSync(file.path, 'utf8');
        const stamped = source.replace(/exports\.AGENT_VERSION = '[^']*';/, `exports.AGENT_VERSION = ${JSON.stringify(version)};`);
        if (stamped === source) throw new Error(`could not stamp the version into ${file.path}`);
        return { contents: stamped, loader: 'js' };
      });
    },
  };
}

async function bundle(work, version) {
  const outfile = join(work, 'agent.cjs');
  const result = await esbuild.build({
    entryPoints: [join(AGENT_DIR, 'bin', 'netwatcher-agent.js')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
    plugins: version ? [versionPlugin(version)] : [],
    // ws loads these optional native addons in a try/catch; a SEA can only require built-ins,
    // so tell ws not to try (its pure-JS paths are used either way).
    define: { 'process.env.WS_NO_BUFFER_UTIL': '"1"', 'process.env.WS_NO_UTF_8_VALIDATE': '"1"' },
  });
  const inputs = Object.keys(result.metafile.inputs);
  const native = inputs.filter((p) => p.endsWith('.node'));
  const controllerDeps = inputs.filter((p) => CONTROLLER_ONLY.test(p) || p.startsWith('controller/'));
  if (native.length > 0) throw new Error(`the agent bundle must not contain native addons: ${native.join(', ')}`);
  if (controllerDeps.length > 0) throw new Error(`the agent bundle pulled in controller code: ${controllerDeps.join(', ')}`);
  const packages = [...new Set(inputs.map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(p)?.[1]).filter(Boolean))].sort();
  return { outfile, packages };
}

function seaBinary(work, script, target) {
  const config = join(work, 'sea-config.json');
  const blob = join(work, 'sea-prep.blob');
  // The code cache makes start-up cheaper (V8 skips compiling the bundle at every start).
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  copyFileSync(process.execPath, target);
  chmodSync(target, 0o755);
  const postject = join(require.resolve('postject/package.json'), '..', 'dist', 'cli.js');
  // postject prints harmless "Can't find string offset for section name '.note…'" lines from
  // LIEF on Debian's node; stderr stays visible for real errors.
  execFileSync(process.execPath, [postject, target, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const version = args.version ?? JSON.parse(readFileSync(join(AGENT_DIR, 'package.json'), 'utf8')).version;
  const key = args.key ? readSigningKey(resolve(args.key)) : loadOrCreateSigningKey(resolve(process.env.DATA_DIR || join(REPO_DIR, 'data'), 'agent-signing-key.pem'));
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'nw-sea-'));
  try {
    const { outfile, packages } = await bundle(work, args.version);
    const built = join(work, AGENT_BINARY_NAME);
    seaBinary(work, outfile, built);
    const sha256 = await sha256File(built);
    const signature = signRelease(key.privateKey, releaseStatement(version, sha256));
    mkdirSync(args.out, { recursive: true });
    const target = join(args.out, AGENT_BINARY_NAME);
    // Binary first, manifest last: a controller reading the folder mid-build sees the old
    // manifest with a binary that does not match it, and refuses to serve until both agree.
    copyFileSync(built, `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    writeFileSync(`${target}.sha256`, `${sha256}  ${AGENT_BINARY_NAME}\n`);
    writeFileSync(`${target}.sig`, `${signature}\n`);
    writeFileSync(join(args.out, 'manifest.json.tmp'), `${JSON.stringify({ version, platform: AGENT_PLATFORM, file: AGENT_BINARY_NAME, sha256, signature, built_at: new Date().toISOString() }, null, 2)}\n`);
    renameSync(join(args.out, 'manifest.json.tmp'), join(args.out, 'manifest.json'));
    process.stdout.write(
      `built ${relative(process.cwd(), target) || target} ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
        `  sha256 ${sha256}\n  bundled packages: ${packages.join(' ')}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`build-sea: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
