import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, IsNull, Not, Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { MemberEntity, ROLE_RANK, WorkspaceRole } from './member.entity';
import { WorkspaceEntity } from './workspace.entity';

export interface WorkspaceAccess {
  workspace: WorkspaceEntity;
  member: MemberEntity;
}

/**
 * The single gate for everything inside a workspace. A workspace the caller is not an accepted
 * member of answers exactly like one that does not exist (404), so ids cannot be probed;
 * a member whose role is too low gets 403.
 */
@Injectable()
export class WorkspaceAccessService {
  constructor(
    @InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>,
    @InjectRepository(MemberEntity) private readonly members: Repository<MemberEntity>,
  ) {}

  /**
   * `manager`: pass the transaction's EntityManager when checking inside a transaction, so the
   * check sees the same (locked) state as the change that follows it.
   */
  async require(
    userId: number,
    workspaceId: number,
    minRole: WorkspaceRole = 'VIEWER',
    manager?: EntityManager,
  ): Promise<WorkspaceAccess> {
    const members = manager ? manager.getRepository(MemberEntity) : this.members;
    const workspaces = manager ? manager.getRepository(WorkspaceEntity) : this.workspaces;
    const member = await members.findOne({
      where: { workspaceId, userId, acceptedAt: Not(IsNull()) },
    });
    const workspace = member ? await workspaces.findOne({ where: { id: workspaceId } }) : null;
    if (!member || !workspace) throw ApiError.notFound('workspace');
    if (ROLE_RANK[member.role] < ROLE_RANK[minRole]) {
      throw ApiError.forbidden(`this action needs the ${minRole} role in the workspace (you are ${member.role})`, 'role_too_low');
    }
    return { workspace, member };
  }

  /**
   * The workspace exists and is not soft-deleted. Agents ask this (their workspace's deletion
   * ends them too) instead of reading the workspaces table themselves.
   */
  async isLive(workspaceId: number): Promise<boolean> {
    return (await this.workspaces.count({ where: { id: workspaceId } })) > 0;
  }

  /** Which of `workspaceIds` are live (see isLive): one query for a batch. */
  async liveWorkspaceIds(workspaceIds: readonly number[]): Promise<Set<number>> {
    if (workspaceIds.length === 0) return new Set();
    const rows = await this.workspaces.find({ select: { id: true }, where: { id: In([...new Set(workspaceIds)]) } });
    return new Set(rows.map((w) => w.id));
  }

  /** Workspace ids the user may read: used to scope cross-workspace lists and socket rooms. */
  async memberWorkspaceIds(userId: number): Promise<number[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin(WorkspaceEntity, 'w', 'w.id = m.workspace_id AND w.deleted_at IS NULL')
      .select('m.workspace_id', 'id')
      .where('m.user_id = :userId AND m.accepted_at IS NOT NULL', { userId })
      .getRawMany<{ id: number }>();
    return rows.map((r) => Number(r.id));
  }
}
