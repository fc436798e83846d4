/**
 * Workspace roles. VIEWER reads everything of the workspace and changes nothing; USER also
 * manages agents and probes; ADMIN manages members; OWNER deletes and hands over. Kept in
 * common/ because routes of every feature declare the role they need.
 *
 * Listed in the order they were introduced (error messages list them so); compare by rank.
 */
export const WORKSPACE_ROLES = ['USER', 'ADMIN', 'OWNER', 'VIEWER'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A rank lets guards compare roles without a table of cases. */
export const ROLE_RANK: Record<WorkspaceRole, number> = { VIEWER: 0, USER: 1, ADMIN: 2, OWNER: 3 };
