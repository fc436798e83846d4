import {
  generatePin,
  generatePsk,
  hashPin,
  hashPsk,
  PIN_LENGTH,
  pskMatches,
  verifyPin,
} from './agent-credentials';

describe('agent credentials', () => {
  describe('PSK', () => {
    it('is 32 random bytes in base64url and differs every time', () => {
      const a = generatePsk();
      const b = generatePsk();
      expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(a, 'base64url')).toHaveLength(32);
      expect(a).not.toBe(b);
    });

    it('is stored as SHA-256 hex and matches only itself', () => {
      const psk = generatePsk();
      const stored = hashPsk(psk);
      expect(stored).toMatch(/^[0-9a-f]{64}$/);
      expect(stored).not.toContain(psk);
      expect(pskMatches(psk, stored)).toBe(true);
      expect(pskMatches(generatePsk(), stored)).toBe(false);
      expect(pskMatches(psk.slice(0, -1), stored)).toBe(false);
    });

    it('never matches a missing or corrupt stored hash', () => {
      const psk = generatePsk();
      expect(pskMatches(psk, null)).toBe(false);
      expect(pskMatches(psk, undefined)).toBe(false);
      expect(pskMatches(psk, '')).toBe(false);
      expect(pskMatches(psk, 'abcd')).toBe(false);
    });
  });

  describe('PIN', () => {
    it('has the requested number of decimal digits, 9 by default', () => {
      expect(generatePin()).toMatch(/^\d{9}$/);
      expect(generatePin(6)).toMatch(/^\d{6}$/);
      expect(generatePin(16)).toMatch(/^\d{16}$/);
    });

    it('refuses lengths outside 6–16', () => {
      expect(() => generatePin(PIN_LENGTH.min - 1)).toThrow(RangeError);
      expect(() => generatePin(PIN_LENGTH.max + 1)).toThrow(RangeError);
      expect(() => generatePin(7.5)).toThrow(RangeError);
    });

    it('uses every digit (no stuck positions)', () => {
      const seen = new Set<string>();
      for (let i = 0; i < 50; i++) for (const d of generatePin(16)) seen.add(d);
      expect(seen.size).toBe(10);
    });

    it('is stored as a salted scrypt hash that verifies only the same PIN', async () => {
      const pin = generatePin();
      const stored = await hashPin(pin);
      expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
      expect(stored).not.toContain(pin);
      await expect(verifyPin(pin, stored)).resolves.toBe(true);
      const other = pin === '123456789' ? '987654321' : '123456789';
      await expect(verifyPin(other, stored)).resolves.toBe(false);
    });

    it('salts every hash, so one PIN hashes differently twice', async () => {
      const pin = '123456789';
      const [a, b] = await Promise.all([hashPin(pin), hashPin(pin)]);
      expect(a).not.toBe(b);
      await expect(verifyPin(pin, a)).resolves.toBe(true);
      await expect(verifyPin(pin, b)).resolves.toBe(true);
    });

    it('rejects missing or malformed stored hashes', async () => {
      await expect(verifyPin('123456789', null)).resolves.toBe(false);
      await expect(verifyPin('123456789', 'plain-text')).resolves.toBe(false);
      await expect(verifyPin('123456789', 'scrypt$x$8$1$abc$def')).resolves.toBe(false);
      await expect(verifyPin('123456789', 'scrypt$16384$8$1$$')).resolves.toBe(false);
    });
  });
});
