/**
 * Per-source refinement of the agent-wide PIN lock. The database counter locks an agent after
 * PIN_MAX_ATTEMPTS wrong PINs from anyone: that is the brute-force bound. Without more, whoever
 * guesses wrong five times also locks out the operator typing the right PIN elsewhere. So while
 * an agent is locked, a source that has not guessed wrong for it since its last success may
 * still try, out of a second allowance of the same size per lock: at most 2 × PIN_MAX_ATTEMPTS
 * guesses per lock period and process, and the noisy source stays locked.
 *
 * In memory on purpose: it only ever loosens the database lock by a bounded amount, so losing it
 * on restart or not sharing it between replicas can only make the lock stricter.
 */
interface AgentPinState {
  /** Sources that tried a PIN for this agent since its last successful enrollment. */
  failedSources: Set<string>;
  /** Which lock the allowance belongs to (its end time), and how much of it is used. */
  lockId: string;
  allowanceUsed: number;
}

/** Agents tracked at most; the least recently touched is forgotten first. */
const CAPACITY = 10_000;
/** Sources remembered per agent at most (a flood of spoofed sources cannot grow memory). */
const SOURCES_PER_AGENT = 1_000;

export class PinSourceLocks {
  private readonly agents = new Map<number, AgentPinState>();

  constructor(private readonly allowancePerLock: number) {}

  /**
   * Notes that `source` is trying a PIN for this agent; true when it had not tried since the
   * agent's last success. Called before anything is awaited, so concurrent tries from one
   * source see each other.
   */
  noteAttempt(agentId: number, source: string): boolean {
    const state = this.touch(agentId);
    if (state.failedSources.has(source)) return false;
    if (state.failedSources.size >= SOURCES_PER_AGENT) state.failedSources.delete(state.failedSources.values().next().value as string);
    state.failedSources.add(source);
    return true;
  }

  /**
   * Whether a source that was clean before this try may try although the agent is locked until
   * `lockId`; counts the try against that lock's allowance when it may.
   */
  claimDuringLock(agentId: number, lockId: string): boolean {
    const state = this.touch(agentId);
    if (state.lockId !== lockId) [state.lockId, state.allowanceUsed] = [lockId, 0];
    if (state.allowanceUsed >= this.allowancePerLock) return false;
    state.allowanceUsed += 1;
    return true;
  }

  /** A successful enrollment or a freshly issued PIN starts every source afresh. */
  reset(agentId: number): void {
    this.agents.delete(agentId);
  }

  private touch(agentId: number): AgentPinState {
    const state = this.agents.get(agentId) ?? { failedSources: new Set<string>(), lockId: '', allowanceUsed: 0 };
    // Re-inserted so the map's order is least recently touched first.
    this.agents.delete(agentId);
    this.agents.set(agentId, state);
    if (this.agents.size > CAPACITY) this.agents.delete(this.agents.keys().next().value as number);
    return state;
  }
}
