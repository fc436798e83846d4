import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, readSigningKey, releaseStatement, sha256File, signRelease, verifyRelease } from './release-signing';

describe('release signing', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nw-sign-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key once with mode 0600 and signs statements that verify only unchanged', () => {
    const path = join(dir, 'keys', 'agent-signing-key.pem');
    const key = loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSigningKey(path).publicKeyPem).toBe(key.publicKeyPem);

    const statement = releaseStatement('1.2.3', 'AB'.repeat(32));
    expect(statement).toBe(`netwatcher-agent linux-x64 1.2.3 sha256:${'ab'.repeat(32)}\n`);
    const sig = signRelease(key.privateKey, statement);
    expect(verifyRelease(key.publicKeyPem, statement, sig)).toBe(true);
    expect(verifyRelease(key.publicKeyPem, releaseStatement('1.2.4', 'ab'.repeat(32)), sig)).toBe(false);
    expect(verifyRelease(key.publicKeyPem, releaseStatement('1.2.3', 'cd'.repeat(32)), sig)).toBe(false);
    const other = loadOrCreateSigningKey(join(dir, 'other.pem'));
    expect(verifyRelease(other.publicKeyPem, statement, sig)).toBe(false);
    expect(verifyRelease(key.publicKeyPem, statement, 'not base64 at all')).toBe(false);
    expect(verifyRelease('garbage', statement, sig)).toBe(false);
  });

  it('refuses a private key that is not Ed25519', () => {
    const path = join(dir, 'rsa.pem');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => readSigningKey(path)).toThrow('an Ed25519 private key');
  });

  it('hashes a file by streaming it', async () => {
    const path = join(dir, 'f');
    writeFileSync(path, 'abc');
    expect(await sha256File(path)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
