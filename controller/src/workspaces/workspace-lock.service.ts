import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ApiError } from '../common/api-error';
import { WorkspaceRole } from './member.entity';
import { WorkspaceAccess, WorkspaceAccessService } from './workspace-access.service';
import { WorkspaceEntity } from './workspace.entity';

export interface LockedWorkspaceAccess extends WorkspaceAccess {
  em: EntityManager;
}

/**
 * Every change to a workspace's membership (invite, role change, removal, acceptance, ownership
 * transfer, deletion) runs in a transaction that first locks the workspace row. That serialises
 * them per workspace, so rules that depend on the current state ("is this the last owner?",
 * "is this address already invited?") are checked against state nobody else can change until
 * the commit.
 */
@Injectable()
export class WorkspaceLockService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: WorkspaceAccessService,
  ) {}

  /** `workspace` is null when it does not exist or is soft-deleted; the caller picks the error. */
  lock<T>(workspaceId: number, fn: (em: EntityManager, workspace: WorkspaceEntity | null) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      const workspace = await em.getRepository(WorkspaceEntity).findOne({
        where: { id: workspaceId },
        lock: { mode: 'pessimistic_write' },
      });
      return fn(em, workspace);
    });
  }

  /** Locks, then checks the caller's role against the locked state (404 / 403 as everywhere). */
  withAccess<T>(
    userId: number,
    workspaceId: number,
    minRole: WorkspaceRole,
    fn: (ctx: LockedWorkspaceAccess) => Promise<T>,
  ): Promise<T> {
    return this.lock(workspaceId, async (em, workspace) => {
      if (!workspace) throw ApiError.notFound('workspace');
      const access = await this.access.require(userId, workspaceId, minRole, em);
      return fn({ em, ...access });
    });
  }
}
