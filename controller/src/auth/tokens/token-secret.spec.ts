import { claimsToBeToken, hashTokenSecret, isTokenSecret, newTokenSecret, TOKEN_PREFIX } from './token-secret';

describe('API token secrets', () => {
  it('carry the nwt_ prefix and 32 random bytes, and are stored only as their SHA-256', () => {
    const a = newTokenSecret();
    const b = newTokenSecret();
    expect(a.secret.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(Buffer.from(a.secret.slice(TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
    expect(a.secret).not.toBe(b.secret);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).toBe(hashTokenSecret(a.secret));
    expect(a.hash).not.toContain(a.secret.slice(TOKEN_PREFIX.length));
    expect(a.secret.startsWith(a.prefix)).toBe(true);
    expect(a.prefix.length).toBeLessThan(a.secret.length / 3);
  });

  it('tells a well-formed secret from a JWT, a truncated secret and other text', () => {
    const { secret } = newTokenSecret();
    expect(isTokenSecret(secret)).toBe(true);
    expect(isTokenSecret(secret.slice(0, -1))).toBe(false);
    expect(isTokenSecret(`${secret}x`)).toBe(false);
    expect(isTokenSecret('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe(false);
    expect(claimsToBeToken('nwt_short')).toBe(true);
    expect(claimsToBeToken('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe(false);
  });
});
