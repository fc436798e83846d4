/**
 * At most one run per key every `minIntervalMs`, trailing: a request during the quiet time is
 * run once when it ends, however many requests arrive meanwhile (the run reads the state as it
 * is then, so nothing is lost by merging them). Runs of one key never overlap.
 */
export class KeyedThrottle<K> {
  private readonly lastRun = new Map<K, number>();
  private readonly scheduled = new Map<K, NodeJS.Timeout>();
  private readonly running = new Map<K, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly minIntervalMs: number,
    private readonly run: (key: K) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  request(key: K): void {
    if (this.stopped || this.scheduled.has(key)) return;
    const last = this.lastRun.get(key);
    const delay = last === undefined ? 0 : Math.max(0, last + this.minIntervalMs - this.now());
    const timer = setTimeout(() => {
      this.scheduled.delete(key);
      void this.start(key);
    }, delay);
    timer.unref();
    this.scheduled.set(key, timer);
  }

  /** Drops what is known of a key (a deleted workspace). */
  forget(key: K): void {
    clearTimeout(this.scheduled.get(key));
    this.scheduled.delete(key);
    this.lastRun.delete(key);
  }

  /** Cancels every scheduled run and waits for those running. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    await Promise.all(this.running.values());
  }

  private async start(key: K): Promise<void> {
    // Still running from the last time: go again once it is done (the request came after it read).
    const previous = this.running.get(key);
    if (previous) await previous;
    if (this.stopped) return;
    this.lastRun.set(key, this.now());
    const current = this.run(key).finally(() => {
      if (this.running.get(key) === current) this.running.delete(key);
    });
    this.running.set(key, current);
    await current;
  }
}
