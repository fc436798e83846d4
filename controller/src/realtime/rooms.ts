/** Socket.IO room names, in one place so emitters and joiners cannot drift apart. */
export const agentRoom = (agentId: number): string => `agent:${agentId}`;
export const workspaceRoom = (workspaceId: number): string => `ws:${workspaceId}`;
export const probeRoom = (workspaceId: number, probeId: number): string => `probe:${workspaceId}:${probeId}`;
/** Every member subscribed to anything of a workspace hears of its alerts here. */
export const alertsRoom = (workspaceId: number): string => `alerts:${workspaceId}`;
