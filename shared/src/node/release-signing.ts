import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from './atomic-file';

/** The platform the single-executable agent is built for (the only one for now). */
export const AGENT_PLATFORM = 'linux-x64';
export const AGENT_BINARY_NAME = `netwatcher-agent-${AGENT_PLATFORM}`;

/**
 * What a release signature covers: name, version and SHA-256 of the binary, one line. Signing
 * this line instead of the 100 MB file keeps verification cheap for shell tools too (openssl
 * signs it with -rawin), and binding the version stops an old signed binary from being
 * announced as a new one.
 */
export function releaseStatement(version: string, sha256Hex: string, platform = AGENT_PLATFORM): string {
  return `netwatcher-agent ${platform} ${version} sha256:${sha256Hex.toLowerCase()}\n`;
}

export function signRelease(privateKey: KeyObject, statement: string): string {
  return sign(null, Buffer.from(statement, 'utf8'), privateKey).toString('base64');
}

/** False (never a throw) for a malformed key or signature: the caller logs and refuses. */
export function verifyRelease(publicKeyPem: string, statement: string, signatureBase64: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const sig = Buffer.from(signatureBase64, 'base64');
    if (sig.length !== 64) return false;
    return verify(null, Buffer.from(statement, 'utf8'), key, sig);
  } catch {
    return false;
  }
}

export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
}

/** Reads an Ed25519 private key (PKCS#8 PEM); throws with the path when it is anything else. */
export function readSigningKey(path: string): SigningKey {
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${path} holds a ${privateKey.asymmetricKeyType ?? 'unknown'} key; an Ed25519 private key (PKCS#8 PEM) is needed`);
  }
  return { privateKey, publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString() };
}

/** The key at `path`, generated there (mode 0600, atomically) when there is none yet. */
export function loadOrCreateSigningKey(path: string): SigningKey {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileAtomicSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  }
  return readSigningKey(path);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
