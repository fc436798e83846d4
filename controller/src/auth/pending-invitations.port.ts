/**
 * Registration in `invite` mode asks whether an e-mail address has a pending invitation.
 * Invitations belong to workspaces/, which already depends on auth/; so auth/ declares what it
 * needs here and workspaces/ provides it (WorkspaceAccessModule), keeping dependencies one way.
 */
export interface PendingInvitations {
  existsFor(email: string): Promise<boolean>;
}

export const PENDING_INVITATIONS = Symbol('PendingInvitations');
