import { TokenBuckets, type TokenBucketPolicy } from '../common/token-bucket';

/**
 * Per-socket flow control for the agent messages that cost a database query (`probe_get`,
 * `version`). One agent sending thousands of them in a burst once held every other agent's ack
 * and /healthz for seconds; now each socket gets a bucket, and a burst collapses into at most
 * one run in flight plus one queued behind it.
 */
export const AGENT_MESSAGE_POLICY: TokenBucketPolicy = { burst: 20, perMinute: 600 };
/** A flooding socket hears "rate_limited" at most this often, not once per dropped message. */
const REFUSAL_NOTICE_MS = 1000;

export class SocketFlowControl {
  private readonly buckets = new TokenBuckets();
  private readonly inFlight = new Map<string, { again: boolean }>();
  private readonly lastNotice = new Map<string, number>();

  constructor(private readonly policy: TokenBucketPolicy = AGENT_MESSAGE_POLICY) {}

  /**
   * Whether a message on `socketId` may be handled now. When not: `notify` says whether this
   * refusal should be told to the client (once per second) and after how long to retry.
   */
  admit(socketId: string, now = Date.now()): { allowed: true } | { allowed: false; notify: boolean; retryAfterMs: number } {
    const result = this.buckets.take(socketId, this.policy);
    if (result.allowed) return { allowed: true };
    const last = this.lastNotice.get(socketId) ?? 0;
    const notify = now - last >= REFUSAL_NOTICE_MS;
    if (notify) this.lastNotice.set(socketId, now);
    return { allowed: false, notify, retryAfterMs: result.retryAfterSeconds * 1000 };
  }

  /**
   * Runs `task` unless one is already running for `key`; then the running one is asked to run
   * once more when it ends (the newest state is what the client wants), and this call returns
   * at once. The caller that started the run awaits it and handles its errors.
   */
  async coalesce(key: string, task: () => Promise<void>): Promise<void> {
    const running = this.inFlight.get(key);
    if (running) {
      running.again = true;
      return;
    }
    const entry = { again: false };
    this.inFlight.set(key, entry);
    try {
      do {
        entry.again = false;
        await task();
      } while (entry.again);
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** A socket went away: forget its notice time (buckets age out on their own). */
  forget(socketId: string): void {
    this.lastNotice.delete(socketId);
  }
}
