/** What one request against a bucket learned: whether it may proceed, and the header values. */
export interface TokenBucketResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
  /** Seconds until one request is allowed again (0 when allowed now). */
  retryAfterSeconds: number;
}

export interface TokenBucketPolicy {
  /** Requests allowed at once. */
  burst: number;
  /** Sustained rate the bucket refills at. */
  perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * In-memory token buckets by key: `burst` requests at once, refilled continuously at
 * `perMinute`. Per process, so N controller replicas allow N times the rate; that bounds abuse
 * well enough for lookups without a shared store.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private takesSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  take(key: string, policy: TokenBucketPolicy): TokenBucketResult {
    const now = this.now();
    const perMs = policy.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: policy.burst, at: now };
    bucket.tokens = Math.min(policy.burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (++this.takesSinceSweep >= 1000) this.sweep(now, perMs, policy.burst);
    return {
      allowed,
      limit: policy.burst,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((policy.burst - bucket.tokens) / perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** A full bucket is the same as no bucket: forget it so idle callers cost no memory. */
  private sweep(now: number, perMs: number, burst: number): void {
    this.takesSinceSweep = 0;
    for (const [key, b] of this.buckets) {
      if (b.tokens + (now - b.at) * perMs >= burst) this.buckets.delete(key);
    }
  }
}
