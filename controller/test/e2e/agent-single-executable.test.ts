import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { createAgent } from '../support/agents';
import { buildAgentRelease, BINARY, serveRelease, sha256Of, Supervisor } from '../support/agent-release';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { requireBuild } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');

interface Ran {
  code: number | null;
  output: string;
}

function run(cmd: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/**
 * A host without systemd, useradd or a package manager we may touch: those are recording stubs on
 * PATH, and PATH has only the tools a minimal host has (no ping, no mtr, so the installer must
 * ask the package manager for them). Every file lands under `root` (NW_INSTALL_ROOT).
 */
function fakeHost(dir: string): { root: string; env: Record<string, string>; calls(): string[] } {
  const root = join(dir, 'root');
  const stubs = join(dir, 'stubs');
  const tools = join(dir, 'tools');
  const rec = join(dir, 'calls.log');
  for (const d of [root, stubs, tools]) mkdirSync(d, { recursive: true });
  writeFileSync(rec, '');
  const stub = (name: string, body: string): void => {
    writeFileSync(join(stubs, name), `#!/bin/sh\necho "${name} $*" >> '${rec}'\n${body}\n`);
    chmodSync(join(stubs, name), 0o755);
  };
  stub('systemctl', 'exit 0');
  stub('apt-get', 'exit 0');
  stub('chown', 'exit 0');
  stub('useradd', `touch '${dir}/user-exists'`);
  stub('userdel', `rm -f '${dir}/user-exists'`);
  stub('runuser', 'while [ "$1" != "--" ]; do shift; done; shift; exec "$@"');
  // `id -u` is the real one (root); `id netwatcher-agent` answers from what useradd/userdel did.
  writeFileSync(join(stubs, 'id'), `#!/bin/sh\nif [ "$1" = netwatcher-agent ]; then [ -f '${dir}/user-exists' ]; exit $?; fi\nexec /usr/bin/id "$@"\n`);
  chmodSync(join(stubs, 'id'), 0o755);
  for (const tool of ['sh', 'cat', 'rm', 'mktemp', 'curl', 'sha256sum', 'cut', 'grep', 'openssl', 'chmod', 'uname', 'install', 'cp', 'mv', 'ln', 'awk', 'touch']) {
    const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (!found) throw new Error(`${tool} is needed on this machine for the install test`);
    symlinkSync(found, join(tools, tool));
  }
  return {
    root,
    env: { PATH: `${stubs}:${tools}`, NW_INSTALL_ROOT: root },
    calls: () => readFileSync(rec, 'utf8').split('\n').filter(Boolean),
  };
}

/** `curl -fsSL <url>/install.sh | sh -s -- <args>` on the fake host. */
function install(host: { env: Record<string, string> }, url: string, args: string[]): Promise<Ran> {
  return run('/bin/sh', ['-c', `curl -fsSL '${url}/install.sh' | sh -s -- ${args.join(' ')}`], { env: host.env, timeoutMs: 180_000 });
}

/** Whether the agent's JSON log has an "agent update refused" line whose reason matches. */
function refusedUpdate(output: string, reason: RegExp): boolean {
  return output.split('\n').some((line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; reason?: string };
      return entry.msg?.startsWith('agent update refused') === true && reason.test(entry.reason ?? '');
    } catch {
      return false;
    }
  });
}

/** The supervised process (not a trial child) wrote that it runs `version` and is connected. */
function runningConnected(dataDir: string, sup: Supervisor, version: string): boolean {
  try {
    const s = JSON.parse(readFileSync(join(dataDir, 'status.json'), 'utf8'));
    return s.pid === sup.pid && s.connected === true && s.version === version;
  } catch {
    return false;
  }
}

/** An HTTP proxy in front of the controller that flips one byte of the agent download. */
function corruptingProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    // The Host header stays the proxy's, so the install script the controller renders points back here.
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      if (req.url !== '/agent/download/linux-x64') {
        answer.pipe(res);
        return;
      }
      let flipped = false;
      answer
        .pipe(
          new Transform({
            transform(chunk: Buffer, _e, cb) {
              if (!flipped && chunk.length > 100) {
                chunk[100] ^= 0xff;
                flipped = true;
              }
              cb(null, chunk);
            },
          }),
        )
        .pipe(res);
    });
    req.pipe(up);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })));
}

/**
 * The agent as operators get it: one file built by `npm run release:agent`'s script, run from an
 * empty directory, installed by the controller's install.sh, and updating itself only to
 * releases signed by the controller's key.
 */
describe('single-executable agent', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let work: string;
  let releaseDir: string;
  let v1: string;
  let v2: string;
  let publicKey: string;

  beforeAll(async () => {
    requireBuild();
    work = mkdtempSync(join(tmpdir(), 'nw-sea-e2e-'));
    releaseDir = join(work, 'served');
    mkdirSync(releaseDir);
    const buildKey = join(work, 'build-key.pem');
    writeFileSync(buildKey, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // Two versions for the update, built once (each build copies and patches a ~100 MB node).
    [v1, v2] = await Promise.all([
      buildAgentRelease(join(work, 'v0.1.0'), '0.1.0', buildKey),
      buildAgentRelease(join(work, 'v0.2.0'), '0.2.0', buildKey),
    ]);
    serveRelease(releaseDir, v1, '0.1.0');
    t = await startTestApp('postgres', { AGENT_RELEASE_DIR: releaseDir });
    owner = await registerUser(new Http(t.url), 'owner');
    ws = (await createWorkspace(owner)).id;
    publicKey = (await new Http(t.url).get('/agent/signing-key.pem')).body;
  }, 600_000);

  afterAll(async () => {
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('is one file that runs from an empty directory: --version, --help, probe ping', async () => {
    const empty = mkdtempSync(join(work, 'empty-'));
    expect((await run(v1, ['--version'], { cwd: empty })).output.trim()).toBe('0.1.0');
    expect((await run(v2, ['--version'], { cwd: empty })).output.trim()).toBe('0.2.0');
    const help = await run(v1, ['--help'], { cwd: empty });
    expect(help.code).toBe(0);
    for (const cmd of ['run', 'probe', 'enroll', 'status']) expect(help.output).toContain(cmd);
    expect(help.output).not.toContain('Warning');
    const ping = await run(v1, ['probe', 'ping', '127.0.0.1', '--count', '2'], { cwd: empty });
    expect(ping.code).toBe(0);
    expect(JSON.parse(ping.output)).toMatchObject({ target: '127.0.0.1', sent: 2, received: 2, loss_pct: 0 });
    // The release folder has what the installer checks against.
    const built = join(work, 'v0.1.0');
    expect(readFileSync(join(built, `${BINARY}.sha256`), 'utf8')).toBe(`${sha256Of(v1)}  ${BINARY}\n`);
    expect(readFileSync(join(built, `${BINARY}.sig`), 'utf8')).toMatch(/^[A-Za-z0-9+/]{86}==\n$/);
  });

  describe('install.sh on a host', () => {
    it('refuses a plain http controller without --insecure, and a corrupted download', async () => {
      const host = fakeHost(mkdtempSync(join(work, 'host-')));
      const plain = await install(host, t.url, ['--workspace', '1', '--agent', '1', '--pin', '123456789']);
      expect(plain.code).not.toBe(0);
      expect(plain.output).toContain('refusing plain http controller');

      const proxy = await corruptingProxy(t.url);
      try {
        const { agent, pin } = await createAgent(owner, ws);
        const corrupted = await install(host, proxy.url, ['--workspace', String(ws), '--agent', String(agent.id), '--pin', pin, '--insecure']);
        expect(corrupted.code).not.toBe(0);
        expect(corrupted.output).toContain('checksum mismatch');
        expect(corrupted.output).toContain('refusing to install');
        expect(existsSync(join(host.root, 'var/lib/netwatcher-agent/bin/netwatcher-agent'))).toBe(false);
        expect(host.calls().filter((c) => c.startsWith('useradd') || c.startsWith('systemctl'))).toEqual([]);
      } finally {
        proxy.server.close();
      }
    });

    it('installs, enrolls and starts a least-privilege agent with one command, which then stores results; --uninstall removes it', async () => {
      const host = fakeHost(mkdtempSync(join(work, 'host-')));
      const created = await owner.http.post(`/workspaces/${ws}/agents`, { name: 'installed' });
      const agentId: number = created.body.agent.id;
      // The command the API hands out, run as given (sudo aside: the test runs as root).
      const command: string = created.body.install_command;
      expect(command).toMatch(/^curl -fsSL \S+\/install\.sh \| sudo sh -s -- --workspace \d+ --agent \d+ --pin \d+ --insecure$/);
      const args = command.split(' -- ')[1].split(' ');
      const res = await install(host, t.url, args);
      expect(res.output).toContain('checksum and signature verified');
      expect(res.code).toBe(0);

      const bin = join(host.root, 'var/lib/netwatcher-agent/bin/netwatcher-agent');
      expect(sha256Of(bin)).toBe(sha256Of(v1));
      expect(statSync(bin).mode & 0o777).toBe(0o755);
      expect(lstatSync(join(host.root, 'usr/local/bin/netwatcher-agent')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(host.root, 'usr/local/bin/netwatcher-agent'))).toBe('/var/lib/netwatcher-agent/bin/netwatcher-agent');
      expect(readFileSync(join(host.root, 'etc/systemd/system/netwatcher-agent.service'), 'utf8')).toBe(
        readFileSync(join(ROOT, 'deploy/systemd/netwatcher-agent.service'), 'utf8'),
      );
      const configPath = join(host.root, 'etc/netwatcher-agent/agent.json');
      expect(statSync(configPath).mode & 0o777).toBe(0o600);
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      expect(config).toEqual({ controller: t.url, workspace_id: ws, agent_id: agentId, update_public_key: publicKey, psk: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      expect(host.calls()).toEqual([
        'apt-get update -qq',
        'apt-get install -y -qq iputils-ping mtr-tiny',
        'useradd --system --user-group --home-dir /var/lib/netwatcher-agent --no-create-home --shell /usr/sbin/nologin netwatcher-agent',
        'systemctl stop netwatcher-agent.service',
        `chown -R netwatcher-agent:netwatcher-agent ${host.root}/var/lib/netwatcher-agent ${host.root}/etc/netwatcher-agent`,
        `runuser -u netwatcher-agent -- ${bin} enroll --config ${configPath}`,
        'systemctl daemon-reload',
        'systemctl enable --now netwatcher-agent.service',
      ]);
      expect((await owner.http.get(`/workspaces/${ws}/agents/${agentId}`)).body.initialized).toBe(true);

      // What systemd would start, from an empty directory: it connects and its results are stored.
      const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, { type: 'PING', targets: ['127.0.0.1'], interval_sec: 5, timeout_sec: 5, count: 2 });
      expect(probe.status).toBe(201);
      const spool = join(host.root, 'var/lib/netwatcher-agent/spool');
      const agent = new Supervisor(bin, ['run', '--config', configPath, '--data-dir', spool], {}, mkdtempSync(join(work, 'cwd-')));
      try {
        const stored = await waitUntil('a PING result stored from the installed agent', async () => {
          const r = await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${probe.body.id}&type=PING`);
          return r.body.total >= 1 ? r.body.data[0] : undefined;
        }, { timeoutMs: 90_000 });
        expect(stored).toMatchObject({ agent_id: agentId, target: '127.0.0.1', payload: { sent: 2, received: 2 } });
        const status = await waitUntil('status reporting connected with a PING result', async () => {
          const s = await run(bin, ['status', '--config', configPath, '--data-dir', spool]);
          return s.code === 0 && s.output.includes('PING') ? s.output : undefined;
        }, { timeoutMs: 30_000 });
        expect(status).toContain('netwatcher-agent 0.1.0: running');
        expect(status).toContain(`controller:   ${t.url} (workspace ${ws}, agent ${agentId})`);
        expect(status).toMatch(/connection: {3}connected since /);
        expect(status).toMatch(/spool: {8}\d+ result\(s\) waiting/);
      } finally {
        await agent.stop();
      }
      const stopped = await run(bin, ['status', '--config', configPath, '--data-dir', spool]);
      expect(stopped.code).toBe(1);
      expect(stopped.output).toContain('NOT running');

      const removed = await run('/bin/sh', ['-c', `curl -fsSL '${t.url}/install.sh' | sh -s -- --uninstall`], { env: host.env });
      expect(removed.code).toBe(0);
      for (const p of ['var/lib/netwatcher-agent', 'etc/netwatcher-agent', 'usr/local/bin/netwatcher-agent', 'etc/systemd/system/netwatcher-agent.service']) {
        expect(existsSync(join(host.root, p))).toBe(false);
      }
      expect(host.calls().slice(-3)).toEqual(['systemctl disable --now netwatcher-agent.service', 'systemctl daemon-reload', 'userdel netwatcher-agent']);
    }, 300_000);
  });

  describe('self-update', () => {
    it('refuses a wrong signature and a tampered binary, rolls back a release that does not connect, and installs a good one', async () => {
      const dir = mkdtempSync(join(work, 'update-'));
      const bin = join(dir, 'bin', 'netwatcher-agent');
      mkdirSync(join(dir, 'bin'));
      writeFileSync(bin, readFileSync(v1), { mode: 0o755 });
      const configPath = join(dir, 'agent.json');
      const dataDir = join(dir, 'spool');
      const { agent, pin } = await createAgent(owner, ws);
      const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      writeFileSync(configPath, JSON.stringify({ controller: t.url, workspace_id: ws, agent_id: agent.id, update_public_key: otherKey }), { mode: 0o600 });
      expect((await run(bin, ['enroll', '--config', configPath], { env: { NW_PIN: pin } })).code).toBe(0);
      const env = { NW_UPDATE_CHECK_SECONDS: '10', NW_UPDATE_TRIAL_SECONDS: '30' };
      const args = ['run', '--config', configPath, '--data-dir', dataDir];
      const version = async (): Promise<string> => (await owner.http.get(`/workspaces/${ws}/agents/${agent.id}`)).body.version;

      // 1. A release signed by a key other than the pinned one.
      const v2sha = serveRelease(releaseDir, v2, '0.2.0');
      // A round mtime, so that the tampering below can keep it exactly (the controller caches by it).
      utimesSync(join(releaseDir, BINARY), 1_700_000_000, 1_700_000_000);
      expect((await new Http(t.url).get('/agent/download/linux-x64.sha256')).body).toContain(v2sha);
      let sup = new Supervisor(bin, args, env, dir);
      try {
        await waitUntil('the wrong-signature refusal', async () => refusedUpdate(sup.output(), /signature does not verify with the pinned release key/), { timeoutMs: 60_000, diag: () => sup.output() });
        expect(await version()).toBe('0.1.0');
      } finally {
        await sup.stop();
      }
      expect(sha256Of(bin)).toBe(sha256Of(v1));
      expect(JSON.parse(readFileSync(join(dataDir, 'status.json'), 'utf8')).update).toMatchObject({ state: 'refused', detail: expect.stringContaining('signature') });

      // 2. The right key, but the bytes served are not the ones signed (altered after signing).
      const config = JSON.parse(readFileSync(configPath, 'utf8'));
      writeFileSync(configPath, JSON.stringify({ ...config, update_public_key: publicKey }), { mode: 0o600 });
      const good = readFileSync(v2);
      const bad = Buffer.from(good);
      bad[bad.length - 1000] ^= 0xff;
      writeFileSync(join(releaseDir, BINARY), bad);
      utimesSync(join(releaseDir, BINARY), 1_700_000_000, 1_700_000_000);
      sup = new Supervisor(bin, args, env, dir);
      try {
        await waitUntil('the checksum refusal', async () => refusedUpdate(sup.output(), /the downloaded binary has sha256/), { timeoutMs: 90_000, diag: () => sup.output() });
        expect(sup.starts).toBe(1);
        expect(sha256Of(bin)).toBe(sha256Of(v1));

        // 3. A signed release that cannot connect: tried, rolled back, the old binary runs again.
        const broken = join(dir, 'broken');
        writeFileSync(broken, '#!/bin/sh\nif [ "$1" = --version ]; then echo 0.3.0; exit 0; fi\necho "broken build" >&2\nexit 1\n', { mode: 0o755 });
        const brokenSha = serveRelease(releaseDir, broken, '0.3.0');
        await waitUntil('the rollback and restart', async () => /agent update rolled back/.test(sup.output()) && sup.starts === 2, { timeoutMs: 90_000 });
        expect(sup.output()).toContain('broken build');
        expect(sha256Of(bin)).toBe(sha256Of(v1));
        expect(JSON.parse(readFileSync(join(dataDir, 'update-state.json'), 'utf8'))).toMatchObject({
          last: { from: '0.1.0', to: '0.3.0', state: 'rolled_back', detail: expect.stringContaining('exited') },
          failed: [`0.3.0 ${brokenSha}`],
        });
        await waitUntil('the old agent back and connected', async () => runningConnected(dataDir, sup, '0.1.0'), { timeoutMs: 60_000 });

        // 4. A good signed release: tried, connects, replaces the binary; the restart runs 0.2.0.
        serveRelease(releaseDir, v2, '0.2.0');
        await waitUntil('the update and restart', async () => sup.output().includes('agent updated; restarting on the new binary') && sup.starts === 3, { timeoutMs: 120_000 });
        await waitUntil('the agent running 0.2.0 and connected', async () => runningConnected(dataDir, sup, '0.2.0'), { timeoutMs: 60_000 });
        expect(await version()).toBe('0.2.0');
        expect(sha256Of(bin)).toBe(v2sha);
        expect(sha256Of(`${bin}.previous`)).toBe(sha256Of(v1));
        expect((await run(bin, ['--version'])).output.trim()).toBe('0.2.0');
      } finally {
        await sup.stop();
      }
    }, 420_000);
  });
});
