/** A period in which alerts are still recorded but nobody is notified. */
export interface MaintenanceWindow {
  startsAt: number;
  endsAt: number;
  /** null: the whole workspace; else only this agent's alerts. */
  agentId: number | null;
}

/** Whether a notification about `agentId` at time `at` (ms) falls in a maintenance window. */
export function inMaintenance(windows: readonly MaintenanceWindow[], at: number, agentId: number | null): boolean {
  return windows.some(
    (w) => at >= w.startsAt && at < w.endsAt && (w.agentId === null || (agentId !== null && w.agentId === agentId)),
  );
}
