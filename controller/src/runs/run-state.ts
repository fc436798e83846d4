import { FINAL_RUN_STATUSES, type RunStatus } from '@netwatcher/shared';

/**
 * The run / queue state machine, pure: queued → running → completed | failed | cancelled, and a
 * queued entry may be cancelled or failed (its agent deleted) before it ever runs. Terminal
 * states are never left: a late `run_status` from an agent cannot revive a cancelled run.
 */
export type RunEvent =
  /** The dispatcher (or, for non-queued runs, the create) sent `run_start`. */
  | 'dispatch'
  /** The agent reported `running`. */
  | 'agent_running'
  | 'agent_completed'
  | 'agent_failed'
  /** An operator cancelled it (REST). */
  | 'cancel'
  /** Running past its deadline, or its agent disconnected while it ran. */
  | 'lost';

const TRANSITIONS: Readonly<Record<RunEvent, { from: readonly RunStatus[]; to: RunStatus }>> = {
  dispatch: { from: ['queued'], to: 'running' },
  // A `running` report for a run already running changes nothing (and is not an error).
  agent_running: { from: ['running'], to: 'running' },
  // An agent's own verdict is taken for a running run; a queued one was never sent to it.
  agent_completed: { from: ['running'], to: 'completed' },
  agent_failed: { from: ['running'], to: 'failed' },
  cancel: { from: ['queued', 'running'], to: 'cancelled' },
  lost: { from: ['queued', 'running'], to: 'failed' },
};

export function isFinal(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}

/** The status after `event`, or null when the event does not apply in `current`. */
export function nextStatus(current: RunStatus, event: RunEvent): RunStatus | null {
  const t = TRANSITIONS[event];
  return t.from.includes(current) ? t.to : null;
}

/** The statuses `event` may leave (for `UPDATE … WHERE status = ANY(…)`, the atomic claim). */
export function statusesFor(event: RunEvent): readonly RunStatus[] {
  return TRANSITIONS[event].from;
}

export function targetOf(event: RunEvent): RunStatus {
  return TRANSITIONS[event].to;
}

export interface WaitingEntry {
  id: number;
  agentId: number;
}

/**
 * Which waiting entries start now, oldest first: at most one per agent, none for an agent that
 * already runs one or is not connected, and no more than the controller's free slots.
 */
export function pickDispatchable(
  waiting: readonly WaitingEntry[],
  busyAgents: ReadonlySet<number>,
  isOnline: (agentId: number) => boolean,
  freeSlots: number,
): WaitingEntry[] {
  const picked: WaitingEntry[] = [];
  const taken = new Set(busyAgents);
  for (const entry of [...waiting].sort((a, b) => a.id - b.id)) {
    if (picked.length >= freeSlots) break;
    if (taken.has(entry.agentId) || !isOnline(entry.agentId)) continue;
    taken.add(entry.agentId);
    picked.push(entry);
  }
  return picked;
}

/** Steps run 4 targets at a time on the agent (agent TARGET_CONCURRENCY); a plan runs each of its types. */
const AGENT_TARGET_CONCURRENCY = 4;
/** Process start, kill grace, spooling and the `run_status` trip on top of the measurement. */
const RUN_SLACK_MS = 30_000;

/**
 * How long a running run may take before it counts as lost (its agent went quiet): the agent's
 * own budget for the probe (executor.budgetMs) with slack for the reports to arrive.
 */
export function runBudgetMs(probe: { timeout_sec: number; targets: readonly unknown[]; agent_targets: readonly unknown[] }, planSteps: number): number {
  const targets = probe.targets.length + probe.agent_targets.length;
  const steps = Math.max(1, Math.ceil(targets / AGENT_TARGET_CONCURRENCY)) * Math.max(1, planSteps);
  return steps * (probe.timeout_sec * 1000 + 3000) + RUN_SLACK_MS;
}
