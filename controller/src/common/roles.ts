/**
 * Workspace roles, lowest first. Kept in common/ because routes of every feature declare the
 * role they need, and the guard compares ranks without a table of cases.
 */
export const WORKSPACE_ROLES = ['USER', 'ADMIN', 'OWNER'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export const ROLE_RANK: Record<WorkspaceRole, number> = { USER: 1, ADMIN: 2, OWNER: 3 };

export function roleAtLeast(role: WorkspaceRole, min: WorkspaceRole): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}
