import { backoffDelay, DEFAULT_BACKOFF, sleep } from './backoff';

const mid = (): number => 0.5; // no jitter
const low = (): number => 0; // -20 %
const high = (): number => 0.999999; // +20 %

describe('backoffDelay', () => {
  it('starts at 1 s and doubles', () => {
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, DEFAULT_BACKOFF, mid))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000,
    ]);
  });

  it('is capped at 60 s, also with jitter, and for huge attempt numbers', () => {
    expect(backoffDelay(6, DEFAULT_BACKOFF, mid)).toBe(60_000);
    expect(backoffDelay(20, DEFAULT_BACKOFF, high)).toBe(60_000);
    expect(backoffDelay(10_000, DEFAULT_BACKOFF, mid)).toBe(60_000);
    expect(backoffDelay(10_000, DEFAULT_BACKOFF, low)).toBe(48_000);
  });

  it('applies ±20 % jitter', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, low)).toBe(800);
    expect(backoffDelay(0, DEFAULT_BACKOFF, high)).toBe(1200);
    expect(backoffDelay(2, DEFAULT_BACKOFF, low)).toBe(3200);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(1);
      expect(d).toBeGreaterThanOrEqual(1600);
      expect(d).toBeLessThanOrEqual(2400);
    }
  });

  it('treats negative attempts as the first one', () => {
    expect(backoffDelay(-3, DEFAULT_BACKOFF, mid)).toBe(1000);
  });
});

describe('sleep', () => {
  it('ends early on abort', async () => {
    const ac = new AbortController();
    const started = Date.now();
    setTimeout(() => ac.abort(), 50);
    await sleep(10_000, ac.signal);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
