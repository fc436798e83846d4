import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificate {
  certFile: string;
  keyFile: string;
  /** As `tls.TLSSocket#getPeerCertificate().fingerprint256` shows it. */
  fingerprint256: string;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A throw-away CA in `dir` (ca.pem, ca.key); EC keys, so generation takes milliseconds. */
export function createCa(dir: string): string {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=NetWatcher test CA'], dir);
  return join(dir, 'ca.pem');
}

/** A server certificate for 127.0.0.1 and localhost signed by the CA in `dir`, as `<name>.pem` / `<name>.key`. */
export function issueCertificate(dir: string, name: string): Certificate {
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', ext], dir);
  const fingerprint = openssl(['x509', '-in', `${name}.pem`, '-noout', '-fingerprint', '-sha256'], dir);
  return {
    certFile: join(dir, `${name}.pem`),
    keyFile: join(dir, `${name}.key`),
    fingerprint256: fingerprint.trim().replace(/^.*=/, ''),
  };
}

/** Puts `from` in place of `to` the way renewal tools do: a complete new file renamed over the old. */
export function replaceFile(from: string, to: string): void {
  const staging = `${to}.new`;
  writeFileSync(staging, readFileSync(from));
  renameSync(staging, to);
}
