import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { releaseStatement, verifyRelease } from '@netwatcher/shared/node';
import { agentRow, createAgent, enroll, RoleFixture, workspaceWithRoles } from './support/agents';
import { Http } from './support/http';
import { startTestApp, TestApp } from './support/test-app';
import { expectError } from './support/workspace-members';

const BINARY = 'netwatcher-agent-linux-x64';

/** A release folder as `npm run release:agent` writes it, with any bytes as the "binary". */
function writeRelease(dir: string, version: string, bytes: Buffer): string {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(dir, BINARY), bytes);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version, platform: 'linux-x64', file: BINARY, sha256 }));
  return sha256;
}

describe('agent release: download, install script, install command, update policy', () => {
  let t: TestApp;
  let http: Http;
  let f: RoleFixture;
  let releaseDir: string;

  beforeAll(async () => {
    releaseDir = mkdtempSync(join(tmpdir(), 'nw-release-'));
    t = await startTestApp('postgres', { AGENT_RELEASE_DIR: releaseDir });
    http = new Http(t.url);
    f = await workspaceWithRoles(http);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(releaseDir, { recursive: true, force: true });
  });

  it('generates its signing key at first start in DATA_DIR with mode 0600 and serves the public half', async () => {
    const keyFile = join(t.config.dataDir, 'agent-signing-key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toContain('BEGIN PRIVATE KEY');
    const pub = await http.get('/agent/signing-key.pem');
    expect(pub.status).toBe(200);
    expect(pub.body).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  });

  it('answers 503 with what to do while no binary is built, and 404 for another platform', async () => {
    expectError(await http.get('/agent/download/linux-x64'), 503, 'agent_release_unavailable', /npm run release:agent/);
    expectError(await http.get('/agent/download/linux-x64.sha256'), 503, 'agent_release_unavailable');
    expectError(await http.get('/agent/download/linux-arm64'), 404, 'not_found', /linux-arm64/);
  });

  it('serves the binary with its SHA-256 and an Ed25519 signature of (version, sha256) by the controller key', async () => {
    const bytes = Buffer.from('#!/bin/sh\necho 1.4.0\n');
    const sha256 = writeRelease(releaseDir, '1.4.0', bytes);
    const res = await fetch(`${t.url}/agent/download/linux-x64`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('x-checksum-sha256')).toBe(sha256);
    expect(res.headers.get('x-agent-version')).toBe('1.4.0');
    const signature = res.headers.get('x-signature-ed25519')!;
    const pub = (await http.get('/agent/signing-key.pem')).body as string;
    expect(verifyRelease(pub, releaseStatement('1.4.0', sha256), signature)).toBe(true);

    expect((await http.get('/agent/download/linux-x64.sha256')).body).toBe(`${sha256}  ${BINARY}\n`);
    expect((await http.get('/agent/download/linux-x64.sig')).body).toBe(`${signature}\n`);
    expect((await http.get('/agent/download/linux-x64.statement')).body).toBe(releaseStatement('1.4.0', sha256));
  });

  it('refuses to serve a binary that does not match its manifest', async () => {
    writeRelease(releaseDir, '1.4.1', Buffer.from('good'));
    writeFileSync(join(releaseDir, BINARY), 'evil');
    expectError(await http.get('/agent/download/linux-x64'), 503, 'agent_release_unavailable', /does not match/);
    writeFileSync(join(releaseDir, 'manifest.json'), '{"version": "latest"}');
    expectError(await http.get('/agent/download/linux-x64'), 503, 'agent_release_unavailable', /must hold/);
  });

  it('serves install.sh with its URL, release key and the agent unit filled in, valid POSIX sh', async () => {
    const res = await http.get('/install.sh');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/x-shellscript');
    const script = res.body as string;
    const pub = (await http.get('/agent/signing-key.pem')).body as string;
    expect(script).toContain(`NW_CONTROLLER_DEFAULT='${t.url}'`);
    expect(script).toContain(pub.trimEnd());
    expect(script).toContain(readFileSync(join(__dirname, '..', '..', 'deploy', 'systemd', 'netwatcher-agent.service'), 'utf8').trimEnd());
    expect(script).not.toContain('@@');
    const file = join(releaseDir, 'install.sh');
    writeFileSync(file, script);
    execFileSync('sh', ['-n', file]); // throws on a syntax error
  });

  it('refuses a Host header that cannot go into a shell command, and creates nothing', async () => {
    const before = (await f.user.http.get(`/workspaces/${f.ws}/agents`)).body.total;
    // node:http, not fetch: fetch sets Host itself.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${t.url}/workspaces/${f.ws}/agents`,
        { method: 'POST', headers: { host: "evil'$(id)", authorization: `Bearer ${f.user.token}`, 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ name: 'x' }));
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'bad_host', error: expect.stringContaining('PUBLIC_URL') });
    expect((await f.user.http.get(`/workspaces/${f.ws}/agents`)).body.total).toBe(before);
  });

  it('answers agent creation with the exact one-line install command, keeping the seed fields', async () => {
    const created = await f.user.http.post(`/workspaces/${f.ws}/agents`, { name: 'branch-office' });
    expect(created.status).toBe(201);
    const { agent, pin, install_command } = created.body;
    expect(agent).toMatchObject({ id: expect.any(Number), name: 'branch-office' });
    expect(pin).toMatch(/^\d{9}$/);
    expect(install_command).toBe(`curl -fsSL ${t.url}/install.sh | sudo sh -s -- --workspace ${f.ws} --agent ${agent.id} --pin ${pin} --insecure`);
  });

  describe('update policy and announcements', () => {
    let agentId: number;
    let agentHttp: Http;
    let sha256: string;

    beforeAll(async () => {
      sha256 = writeRelease(releaseDir, '2.0.0', Buffer.from('release 2.0.0'));
      const { agent, pin } = await createAgent(f.user, f.ws);
      agentId = agent.id;
      const psk = await enroll(http, f.ws, agent.id, pin);
      agentHttp = {
        get: (path: string) => http.get(path, { 'X-Workspace-ID': String(f.ws), 'X-Agent-ID': String(agent.id), 'X-Agent-PSK': psk }),
      } as Http;
    });

    const policy = (by: Http, body: unknown) => by.request('PUT', `/workspaces/${f.ws}/agents/${agentId}/update-policy`, body);

    it('announces the current release to an agent that follows it (default auto), signed', async () => {
      expect((await f.user.http.get(`/workspaces/${f.ws}/agents/${agentId}/update-policy`)).body).toEqual({
        agent_id: agentId, mode: 'auto', version: null, current_version: '2.0.0',
      });
      const a = await agentHttp.get('/agent/api/update');
      expect(a.status).toBe(200);
      expect(a.body).toEqual({
        version: '2.0.0', platform: 'linux-x64', sha256, signature: expect.any(String), size: 13, download: '/agent/download/linux-x64',
      });
      const pub = (await http.get('/agent/signing-key.pem')).body as string;
      expect(verifyRelease(pub, releaseStatement('2.0.0', sha256), a.body.signature)).toBe(true);
      expectError(await http.get('/agent/api/update'), 401);
    });

    it('announces nothing to an agent whose updates are disabled, or pinned to another version', async () => {
      expect((await policy(f.admin.http, { mode: 'disabled' })).body).toMatchObject({ mode: 'disabled', version: null });
      expect((await agentHttp.get('/agent/api/update')).body).toMatchObject({ version: null, reason: 'updates are disabled for this agent' });

      expect((await policy(f.admin.http, { mode: 'pinned', version: '1.9.0' })).body).toMatchObject({ mode: 'pinned', version: '1.9.0' });
      expect((await agentHttp.get('/agent/api/update')).body).toMatchObject({ version: null, reason: 'pinned to 1.9.0; the controller serves 2.0.0' });

      await policy(f.admin.http, { mode: 'pinned', version: '2.0.0' });
      expect((await agentHttp.get('/agent/api/update')).body).toMatchObject({ version: '2.0.0', sha256 });
      await policy(f.admin.http, { mode: 'auto' });
      expect((await agentHttp.get('/agent/api/update')).body).toMatchObject({ version: '2.0.0' });
    });

    it('validates the policy, needs ADMIN to change it and hides other workspaces', async () => {
      expectError(await policy(f.admin.http, { mode: 'pinned' }), 400, undefined, /version/);
      expectError(await policy(f.admin.http, { mode: 'auto', version: '1.0.0' }), 400, 'version_without_pin');
      expectError(await policy(f.admin.http, { mode: 'sometimes' }), 400);
      expectError(await policy(f.user.http, { mode: 'disabled' }), 403);
      expectError(await f.outsider.http.get(`/workspaces/${f.ws}/agents/${agentId}/update-policy`), 404);
      expectError(await f.admin.http.get(`/workspaces/${f.ws}/agents/999999/update-policy`), 404);
      expect((await agentRow(t, agentId)).id).toBe(agentId);
    });
  });
});

describe('agent release with an operator-supplied signing key', () => {
  it('signs with AGENT_SIGNING_KEY_FILE and generates nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nw-release-key-'));
    const keyFile = join(dir, 'release.pem');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const sha256 = writeRelease(dir, '3.0.0', Buffer.from('three'));
    // The key file's mtime must not matter; the binary's must (cache), so touch nothing else.
    utimesSync(join(dir, BINARY), new Date(), new Date());
    const t = await startTestApp('postgres', { AGENT_RELEASE_DIR: dir, AGENT_SIGNING_KEY_FILE: keyFile });
    try {
      const http = new Http(t.url);
      expect((await http.get('/agent/signing-key.pem')).body).toBe(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const sig = ((await http.get('/agent/download/linux-x64.sig')).body as string).trim();
      expect(verifyRelease(publicKey.export({ type: 'spki', format: 'pem' }).toString(), releaseStatement('3.0.0', sha256), sig)).toBe(true);
      expect(() => statSync(join(t.config.dataDir, 'agent-signing-key.pem'))).toThrow();
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
