interface SourceState {
  failures: number;
  windowEndsAt: number;
  lockedUntil: number;
}

/**
 * Failed logins per source address, in memory: a source that fails `maxFailures` times within
 * `lockMs` is refused for `lockMs`, whichever accounts it tries. Per replica on purpose: the
 * per-account counter (in PostgreSQL) is the bound that holds across replicas.
 */
export class SourceLockout {
  private readonly sources = new Map<string, SourceState>();

  constructor(
    private readonly maxFailures: number,
    private readonly lockMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxTracked = 100_000,
  ) {}

  /** Seconds until the source may try again; 0 when it may try now. */
  retryAfterSeconds(source: string): number {
    const state = this.sources.get(source);
    const left = state ? state.lockedUntil - this.now() : 0;
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  recordFailure(source: string): void {
    const now = this.now();
    let state = this.sources.get(source);
    if (!state || state.windowEndsAt <= now) {
      if (this.sources.size >= this.maxTracked) this.prune(now);
      state = { failures: 0, windowEndsAt: now + this.lockMs, lockedUntil: 0 };
      this.sources.set(source, state);
    }
    state.failures += 1;
    if (state.failures >= this.maxFailures) {
      state.lockedUntil = now + this.lockMs;
      state.failures = 0;
      state.windowEndsAt = state.lockedUntil;
    }
  }

  private prune(now: number): void {
    for (const [key, state] of this.sources) {
      if (state.windowEndsAt <= now && state.lockedUntil <= now) this.sources.delete(key);
    }
    // Still full (a flood of distinct sources): forget the oldest rather than grow without bound.
    for (const key of this.sources.keys()) {
      if (this.sources.size < this.maxTracked) break;
      this.sources.delete(key);
    }
  }
}
