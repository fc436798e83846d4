import { createHash, randomBytes, randomInt, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Agent credentials, kept pure so the rules can be tested without a database.
 *
 * PSK: 256 random bits. Nobody can brute-force that space, so a fast SHA-256 is enough to keep
 * a database leak from handing out working keys, and every reconnect stays cheap (the
 * reference implementation ran bcrypt on every check).
 *
 * PIN: a short run of decimal digits typed by an operator, so low-entropy: it is stored only as
 * a salted scrypt hash, is single-use, expires, and wrong guesses are throttled by the caller.
 */

export const PIN_LENGTH = { min: 6, max: 16, default: 9 } as const;
export const PIN_TTL_SECONDS = { min: 60, max: 604_800, default: 3_600 } as const;

const PSK_BYTES = 32;
const SCRYPT_KEYLEN = 32;
const SCRYPT_SALT_BYTES = 16;
/** N=2^14, r=8: about 16 MB and tens of milliseconds per check; PIN checks are rare and throttled. */
const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const PIN_HASH_PREFIX = 'scrypt';

export function generatePsk(): string {
  return randomBytes(PSK_BYTES).toString('base64url');
}

export function hashPsk(psk: string): string {
  return createHash('sha256').update(psk, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented PSK with the stored SHA-256 hex. */
export function pskMatches(psk: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const presented = Buffer.from(hashPsk(psk), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  // Both are SHA-256 digests unless the stored value is corrupt; a length check leaks nothing.
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** `length` random decimal digits; every digit is uniform (randomInt has no modulo bias). */
export function generatePin(length: number = PIN_LENGTH.default): string {
  if (!Number.isInteger(length) || length < PIN_LENGTH.min || length > PIN_LENGTH.max) {
    throw new RangeError(`PIN length must be ${PIN_LENGTH.min}–${PIN_LENGTH.max}`);
  }
  let pin = '';
  for (let i = 0; i < length; i++) pin += String(randomInt(10));
  return pin;
}

function scryptAsync(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$<salt b64url>$<hash b64url>`: the parameters travel with the hash so they can change later. */
export async function hashPin(pin: string): Promise<string> {
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await scryptAsync(pin, salt, SCRYPT_KEYLEN, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return [PIN_HASH_PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedPinHash {
  salt: Buffer;
  key: Buffer;
  options: ScryptOptions;
}

function parsePinHash(stored: string): ParsedPinHash | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PIN_HASH_PREFIX) return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return null;
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  if (salt.length === 0 || key.length === 0) return null;
  return { salt, key, options: { N, r, p, maxmem: 128 * N * r * 2 } };
}

/** Recomputes the scrypt hash with the stored salt and compares in constant time. */
export async function verifyPin(pin: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parsePinHash(stored) : null;
  if (!parsed) return false;
  const candidate = await scryptAsync(pin, parsed.salt, parsed.key.length, parsed.options);
  return timingSafeEqual(candidate, parsed.key);
}
