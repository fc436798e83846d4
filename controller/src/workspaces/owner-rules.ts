import { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error';
import { MemberEntity } from './member.entity';
import { WorkspaceEntity } from './workspace.entity';

/**
 * Accepted owners of a workspace, rows locked until the transaction ends. Callers already hold
 * the workspace lock; locking the owner rows too keeps the last-owner rule safe even against a
 * writer that forgot to take it.
 */
export function lockOwners(em: EntityManager, workspaceId: number): Promise<MemberEntity[]> {
  return em
    .getRepository(MemberEntity)
    .createQueryBuilder('m')
    .where("m.workspace_id = :workspaceId AND m.role = 'OWNER' AND m.accepted_at IS NOT NULL", { workspaceId })
    .orderBy('m.id', 'ASC')
    .setLock('pessimistic_write')
    .getMany();
}

/**
 * A workspace must always keep one accepted owner: refuses (409) when `member` is the only one.
 * `action` completes the sentence "the last owner cannot be …".
 */
export async function assertNotLastOwner(em: EntityManager, member: MemberEntity, action: string): Promise<void> {
  if (member.role !== 'OWNER' || !member.acceptedAt) return;
  const owners = await lockOwners(em, member.workspaceId);
  if (!owners.some((o) => o.id !== member.id)) {
    throw ApiError.conflict(
      `the last owner cannot be ${action}: make another member an OWNER or transfer ownership first`,
      'last_owner',
    );
  }
}

/**
 * workspaces.owner_id names an accepted owner. When that user stops being one (demoted or
 * removed), it moves to the longest-standing remaining owner.
 */
export async function reassignPrimaryOwner(
  em: EntityManager,
  workspace: WorkspaceEntity,
  leavingUserId: number | null,
) {
  if (leavingUserId === null || workspace.ownerId !== leavingUserId) return;
  const next = (await lockOwners(em, workspace.id)).find((o) => o.userId !== null && o.userId !== leavingUserId);
  if (!next?.userId) return;
  await em.getRepository(WorkspaceEntity).update({ id: workspace.id }, { ownerId: next.userId });
  workspace.ownerId = next.userId;
}
