/**
 * API tokens may be restricted to workspaces the user belongs to. Memberships belong to
 * workspaces/, which depends on auth/; so auth/ declares what it asks here and workspaces/
 * provides it (WorkspaceAccessModule), as for PENDING_INVITATIONS.
 */
export interface WorkspaceMembership {
  /** Workspaces the user is an accepted member of (deleted ones excluded). */
  memberWorkspaceIds(userId: number): Promise<number[]>;
}

export const WORKSPACE_MEMBERSHIP = Symbol('WorkspaceMembership');
