/**
 * When a failed delivery is tried again: exponential backoff (30 s, 1 min, 2 min … capped at
 * 1 h) up to `maxAttempts`, after which it goes to the dead-letter list. Deterministic (no
 * jitter) so the schedule is testable and every replica computes the same next time.
 */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000 };

/** The delay before attempt `attemptsMade + 1`, or null when no attempt is left. */
export function nextRetryDelayMs(attemptsMade: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | null {
  if (attemptsMade >= policy.maxAttempts) return null;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
}
