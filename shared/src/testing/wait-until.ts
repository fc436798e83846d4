/** How long `waitUntil` keeps asking, how often, and what it adds to a timeout message. */
export interface WaitOptions {
  /** Give up after this long (default 10 s: generous for a loaded 2-core machine, never waited out when all is well). */
  timeoutMs?: number;
  /** Pause between checks (default 100 ms). */
  everyMs?: number;
  /** Extra context for the failure message, e.g. a child process's stderr. */
  diag?: () => string;
}

/** "Not yet": the value a check returns while the condition does not hold. */
type NotYet = undefined | false | null;

/**
 * Polls `check` on the real clock until it returns something other than undefined, null or
 * false, and resolves with that value. A check that throws counts as "not yet" (a server still
 * starting refuses connections); the timeout error names what was awaited and the last value or
 * error seen, so a failure says why instead of just "timeout".
 *
 * The one wait helper for controller tests, agent tests and the bench: wait for a condition,
 * never for a fixed time.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | NotYet | Promise<T | NotYet>,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 10_000, everyMs = 100, diag } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = diag ? `\n${diag()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
