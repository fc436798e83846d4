import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

/** What a sealed file says about itself, in the clear: enough to derive the key, nothing more. */
export const SEALED_FORMAT = 'netwatcher-sealed' as const;
export const SEALED_VERSION = 1 as const;

/**
 * scrypt cost: N = 2^15 with r = 8 takes ~32 MiB and ~0.1 s here, the parameters OWASP lists for
 * scrypt; stored in the file so a later version can raise them and still open old files.
 */
const KDF_DEFAULTS = { N: 32_768, r: 8, p: 1 } as const;
/** Bounds on what a file may ask for, so a crafted header cannot make the controller spin or swap. */
const KDF_LIMITS = { N: 1_048_576, r: 32, p: 16 } as const;
const KEY_BYTES = 32;

const base64 = z.string().max(20_000_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const SealedFile = z.object({
  format: z.literal(SEALED_FORMAT),
  version: z.literal(SEALED_VERSION),
  /** What the sealed content is, e.g. `netwatcher-workspace`; authenticated with the content. */
  content_type: z.string().min(1).max(100),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(1024)
      .max(KDF_LIMITS.N)
      .refine((n) => (n & (n - 1)) === 0, 'N must be a power of two'),
    r: z.number().int().min(1).max(KDF_LIMITS.r),
    p: z.number().int().min(1).max(KDF_LIMITS.p),
    salt: base64,
  }),
  cipher: z.literal('aes-256-gcm'),
  iv: base64,
  tag: base64,
  ciphertext: base64,
});
export type SealedFile = z.infer<typeof SealedFile>;

/** The file is not a sealed file of this format (shape, version, bounds). */
export class MalformedSealedFile extends Error {}
/** The passphrase is wrong or a byte of the file was changed: GCM cannot tell which, on purpose. */
export class UnsealFailed extends Error {}

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(passphrase.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The header fields, in a fixed order, bound to the ciphertext as GCM's additional data. */
function associatedData(file: Pick<SealedFile, 'format' | 'version' | 'content_type' | 'kdf' | 'cipher'>): Buffer {
  const { N, r, p, salt } = file.kdf;
  return Buffer.from(JSON.stringify([file.format, file.version, file.content_type, N, r, p, salt, file.cipher]));
}

/** Encrypts `content` (any JSON value) under a key derived from `passphrase` (scrypt, AES-256-GCM). */
export async function seal(content: unknown, passphrase: string, contentType: string): Promise<SealedFile> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const header = {
    format: SEALED_FORMAT,
    version: SEALED_VERSION,
    content_type: contentType,
    kdf: { name: 'scrypt' as const, ...KDF_DEFAULTS, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm' as const,
  };
  const key = await deriveKey(passphrase, salt, header.kdf);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(associatedData(header));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(content), 'utf8'), cipher.final()]);
  return { ...header, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/**
 * Decrypts and parses a sealed file of `contentType`. Throws MalformedSealedFile for anything
 * that is not such a file, UnsealFailed for a wrong passphrase or any altered byte.
 */
export async function unseal(raw: unknown, passphrase: string, contentType: string): Promise<unknown> {
  const parsed = SealedFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MalformedSealedFile(`not a NetWatcher export file: ${issue.path.join('.') || 'file'} ${issue.message}`);
  }
  const file = parsed.data;
  if (file.content_type !== contentType) throw new MalformedSealedFile(`this file holds ${file.content_type}, not ${contentType}`);
  const iv = Buffer.from(file.iv, 'base64');
  const tag = Buffer.from(file.tag, 'base64');
  if (iv.length !== 12 || tag.length !== 16) throw new MalformedSealedFile('not a NetWatcher export file: bad iv or tag length');
  const key = await deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(associatedData(file));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(file.ciphertext, 'base64')), decipher.final()]);
  } catch {
    throw new UnsealFailed('the passphrase is wrong or the file was altered');
  }
  try {
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    // Authentic but not JSON: only a sealer of another make could write that.
    throw new MalformedSealedFile('the file decrypts but holds no JSON');
  }
}
