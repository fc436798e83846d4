/** Exponential backoff with jitter for reconnecting to a controller that is down or restarting. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** ±fraction applied to each delay so a fleet of agents does not reconnect in lockstep. */
  jitter: number;
}

/** 1 s doubling to a 60 s cap, ±20 %: the same shape socket.io-client uses for the socket. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (0 for the first retry). Once at the cap the jitter can only
 * shorten the delay (48–60 s by default), so it never exceeds `maxMs` yet agents stay spread out.
 * `random` is injectable for tests.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(attempt, 62));
  const base = Math.min(policy.initialMs * policy.factor ** exponent, policy.maxMs);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.round(Math.max(0, Math.min(base + spread, policy.maxMs)));
}

/** Resolves after `ms`, or early (without rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
