import type { UserSummary } from '../auth/user-directory.service';
import { iso } from '../common/timestamps';
import type { MemberEntity, WorkspaceRole } from './member.entity';

export type MemberStatus = 'active' | 'pending';

export interface MemberView {
  id: number;
  workspaceId: number;
  userId: number | null;
  email: string;
  name: string;
  role: WorkspaceRole;
  meta: Record<string, unknown>;
  status: MemberStatus;
  invitedBy: number | null;
  acceptedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `user` is the linked account when there is one; an invite to an unregistered address has none. */
export function toMemberView(member: MemberEntity, user: Pick<UserSummary, 'email' | 'name'> | undefined): MemberView {
  return {
    id: member.id,
    workspaceId: member.workspaceId,
    userId: member.userId,
    email: user?.email ?? member.email,
    name: user?.name ?? '',
    role: member.role,
    meta: member.meta,
    status: member.acceptedAt ? 'active' : 'pending',
    invitedBy: member.invitedBy,
    acceptedAt: iso(member.acceptedAt),
    createdAt: member.createdAt.toISOString(),
    updatedAt: member.updatedAt.toISOString(),
  };
}
