import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  let now = 0;
  const clock = () => now;
  const policy = { burst: 3, perMinute: 60 }; // one token a second

  beforeEach(() => {
    now = 1_000_000;
  });

  it('allows a burst, then refuses with the wait until the next token', () => {
    const buckets = new TokenBuckets(clock);
    const results = [1, 2, 3, 4].map(() => buckets.take('user:1', policy));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3]).toMatchObject({ limit: 3, retryAfterSeconds: 1, resetSeconds: 3 });
    expect(results[0].retryAfterSeconds).toBe(0);
  });

  it('refills continuously at the sustained rate, never beyond the burst', () => {
    const buckets = new TokenBuckets(clock);
    for (let i = 0; i < 3; i++) buckets.take('k', policy);
    now += 1500;
    expect(buckets.take('k', policy)).toMatchObject({ allowed: true, remaining: 0 });
    expect(buckets.take('k', policy).allowed).toBe(false);
    now += 60_000;
    expect(buckets.take('k', policy)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 1 });
  });

  it('keeps keys apart', () => {
    const buckets = new TokenBuckets(clock);
    for (let i = 0; i < 3; i++) buckets.take('user:1', policy);
    expect(buckets.take('user:1', policy).allowed).toBe(false);
    expect(buckets.take('user:2', policy).allowed).toBe(true);
    expect(buckets.take('agent:1', policy).allowed).toBe(true);
  });

  it('forgets buckets that have refilled', () => {
    const buckets = new TokenBuckets(clock);
    for (let i = 0; i < 999; i++) buckets.take(`user:${i}`, policy);
    expect(buckets.size).toBe(999);
    now += 10_000;
    buckets.take('user:last', policy);
    expect(buckets.size).toBe(1); // only the one just used
  });
});
