/**
 * Presence without shared memory: every controller replica refreshes last_seen_at of the agents
 * connected to it every PRESENCE_REFRESH_MS, and an agent counts as online while its
 * last_seen_at is younger than three refreshes (one missed write is not an outage).
 */
export const PRESENCE_REFRESH_MS = 30_000;
export const ONLINE_WINDOW_MS = 3 * PRESENCE_REFRESH_MS;

export function isOnline(lastSeenAt: Date | null, now = Date.now()): boolean {
  return lastSeenAt !== null && now - lastSeenAt.getTime() < ONLINE_WINDOW_MS;
}
