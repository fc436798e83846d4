import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import { Logger } from '@nestjs/common';
import { PANEL_NAMESPACE, SOCKET_PATH } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { io } from 'socket.io-client';
import { loadConfig } from '../src/config/config';
import { Certificate, createCa, issueCertificate, replaceFile } from './support/certificates';
import { connectOutcome, PanelClient } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/** One GET on a fresh connection (no keep-alive, no session reuse): status and the server's certificate. */
function httpsGet(url: string, ca: string): Promise<{ status: number; body: string; cert: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false }, (res) => {
      const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cert }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS served by the controller', () => {
  let dir: string;
  let ca: string;
  let first: Certificate;
  let second: Certificate;
  let live: Certificate;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nw-tls-'));
    ca = readFileSync(createCa(dir), 'utf8');
    first = issueCertificate(dir, 'first');
    second = issueCertificate(dir, 'second');
    // The files the controller serves; replaced on disk later in the test.
    live = { certFile: join(dir, 'live.pem'), keyFile: join(dir, 'live.key'), fingerprint256: first.fingerprint256 };
    copyFileSync(first.certFile, live.certFile);
    copyFileSync(first.keyFile, live.keyFile);
    t = await startTestApp('postgres', { TLS_CERT_FILE: live.certFile, TLS_KEY_FILE: live.keyFile, TLS_RELOAD_INTERVAL_MS: '100' });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers HTTPS with the configured certificate, trusted through the CA', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await httpsGet(`${t.url}/healthz`, ca);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
    expect(res.cert.fingerprint256).toBe(first.fingerprint256);
    // Without the CA the certificate is not trusted: the check is real.
    await expect(httpsGet(`${t.url}/healthz`, '')).rejects.toThrow();
  });

  it('serves Socket.IO over the same TLS port', async () => {
    const socket: PanelClient = io(`${t.url}${PANEL_NAMESPACE}`, {
      path: SOCKET_PATH,
      transports: ['websocket'],
      reconnection: false,
      ca,
      auth: { token: 'not-a-token' },
    });
    // The TLS and WebSocket handshakes succeeded: the panel's own refusal is what comes back.
    expect(await connectOutcome(socket)).toMatchObject({ code: 'unauthorized' });
    socket.close();
  });

  it('serves a certificate replaced on disk to the next connection, without a restart', async () => {
    // A broken replacement is refused and the current certificate keeps serving.
    const warn = jest.spyOn(Logger.prototype, 'warn');
    writeFileSync(`${live.certFile}.new`, 'not a certificate');
    replaceFile(`${live.certFile}.new`, live.certFile);
    await waitUntil('the broken certificate refused', () =>
      warn.mock.calls.some(([, message]) => typeof message === 'string' && message.includes('does not load')),
    );
    warn.mockRestore();
    expect((await httpsGet(`${t.url}/healthz`, ca)).cert.fingerprint256).toBe(first.fingerprint256);

    replaceFile(second.keyFile, live.keyFile);
    replaceFile(second.certFile, live.certFile);
    const served = await waitUntil('the new certificate served', async () => {
      const res = await httpsGet(`${t.url}/healthz`, ca);
      return res.cert.fingerprint256 === second.fingerprint256 ? res : undefined;
    });
    expect(served.status).toBe(200);
  });
});

describe('TLS settings', () => {
  let dir: string;
  let dataDir: string;
  let cert: Certificate;
  let other: Certificate;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nw-tls-config-'));
    dataDir = join(dir, 'data');
    createCa(dir);
    cert = issueCertificate(dir, 'one');
    other = issueCertificate(dir, 'two');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes both files or neither, and refuses files that are not a matching certificate and key', () => {
    const load = (env: Record<string, string>) => () => loadConfig({ DATA_DIR: dataDir, ...env });
    expect(loadConfig({ DATA_DIR: dataDir }).tls).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir, TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile }).tls).toEqual({
      certFile: cert.certFile,
      keyFile: cert.keyFile,
      reloadIntervalMs: 10_000,
    });
    expect(load({ TLS_CERT_FILE: cert.certFile })).toThrow(/^TLS_KEY_FILE must be set when TLS_CERT_FILE is/);
    expect(load({ TLS_KEY_FILE: cert.keyFile })).toThrow(/^TLS_CERT_FILE must be set when TLS_KEY_FILE is/);
    expect(load({ TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: cert.keyFile })).toThrow(/^TLS_CERT_FILE must name an existing file/);
    expect(load({ TLS_CERT_FILE: cert.keyFile, TLS_KEY_FILE: cert.keyFile })).toThrow(/^TLS_CERT_FILE must be a PEM certificate/);
    expect(load({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.certFile })).toThrow(/^TLS_KEY_FILE must be an unencrypted PEM private key/);
    expect(load({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: other.keyFile })).toThrow(/^TLS_KEY_FILE must be the key of the certificate/);
    expect(load({ TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile, TLS_RELOAD_INTERVAL_MS: '10' })).toThrow(/^TLS_RELOAD_INTERVAL_MS/);
  });
});
