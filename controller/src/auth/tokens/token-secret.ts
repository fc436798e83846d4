import { createHash, randomBytes } from 'node:crypto';

/** Every API token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'nwt_';
/** How much of the secret the owner sees again in lists: the prefix plus a few characters. */
const SHOWN_CHARACTERS = TOKEN_PREFIX.length + 6;
const SECRET = /^nwt_[A-Za-z0-9_-]{43}$/;

export interface NewTokenSecret {
  /** Shown once, in the creation answer. */
  secret: string;
  /** Kept and listed, to tell tokens apart. */
  prefix: string;
  /** Kept; the secret is found by it. */
  hash: string;
}

/**
 * SHA-256 is enough here: the secret is 32 random bytes, so there is nothing to guess and no need
 * for a slow password hash, and a lookup by hash needs no constant-time comparison.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function newTokenSecret(): NewTokenSecret {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, SHOWN_CHARACTERS), hash: hashTokenSecret(secret) };
}

/** The shape of a secret newTokenSecret makes; a JWT or anything else is not one. */
export function isTokenSecret(credential: string): boolean {
  return SECRET.test(credential);
}

/** Whether the credential claims to be an API token (it may still be malformed). */
export function claimsToBeToken(credential: string): boolean {
  return credential.startsWith(TOKEN_PREFIX);
}
