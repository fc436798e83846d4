/** Socket.IO room names, in one place so emitters and joiners cannot drift apart. */
export const agentRoom = (agentId: number): string => `agent:${agentId}`;
export const workspaceRoom = (workspaceId: number): string => `ws:${workspaceId}`;
export const probeRoom = (workspaceId: number, probeId: number): string => `probe:${workspaceId}:${probeId}`;
/** Every agent socket of a workspace, so deleting the workspace can end them all at once. */
export const agentWorkspaceRoom = (workspaceId: number): string => `agent-ws:${workspaceId}`;
/** Every panel socket of a user, so a change of their access reaches all their tabs. */
export const userRoom = (userId: number): string => `user:${userId}`;
/** Every member subscribed to anything of a workspace hears of its alerts here. */
export const alertsRoom = (workspaceId: number): string => `alerts:${workspaceId}`;

/** Every member subscribed to anything of a workspace hears of its runs and speed-test queue here. */
export const activityRoom = (workspaceId: number): string => `activity:${workspaceId}`;

/** Whether a panel room carries data of this workspace (its workspace, alerts, activity or probe rooms). */
export function isWorkspaceDataRoom(room: string, workspaceId: number): boolean {
  return (
    room === workspaceRoom(workspaceId) ||
    room === alertsRoom(workspaceId) ||
    room === activityRoom(workspaceId) ||
    room.startsWith(`probe:${workspaceId}:`)
  );
}

/** Whether a panel room carries this workspace's probe data (all probes, or one): not its alerts or activity. */
export function isProbeDataRoom(room: string, workspaceId: number): boolean {
  return room === workspaceRoom(workspaceId) || room.startsWith(`probe:${workspaceId}:`);
}
