import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../auth/current-user.decorator';
import { ApiError } from '../common/api-error';
import { containsPattern } from '../common/like-pattern';
import { ListResponse, SearchPageQueryDto, toList } from '../common/pagination';
import { DomainEventBus } from '../events/event-bus';
import { CreateWorkspaceDto, UpdateWorkspaceDto } from './dto/workspace.dto';
import { MemberEntity, WorkspaceRole } from './member.entity';
import { WorkspaceAccessService } from './workspace-access.service';
import { WorkspaceLockService } from './workspace-lock.service';
import { WorkspaceEntity } from './workspace.entity';
import { toWorkspaceView, WorkspaceView } from './workspace.view';

@Injectable()
export class WorkspacesService {
  private readonly logger = new Logger(WorkspacesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly locks: WorkspaceLockService,
    private readonly events: DomainEventBus,
  ) {}

  /**
   * Only workspaces the caller has accepted membership of; soft-deleted ones are excluded by
   * TypeORM. `within`: the workspaces an API token is restricted to.
   */
  async list(userId: number, query: SearchPageQueryDto, within?: readonly number[]): Promise<ListResponse<WorkspaceView>> {
    const qb = this.workspaces
      .createQueryBuilder('w')
      .innerJoin(MemberEntity, 'm', 'm.workspace_id = w.id AND m.user_id = :userId AND m.accepted_at IS NOT NULL', {
        userId,
      })
      .addSelect('m.role', 'my_role');
    if (within) qb.andWhere('w.id = ANY(:within)', { within: [...within] });
    const q = query.q?.trim();
    if (q) {
      qb.andWhere("(w.name ILIKE :pattern ESCAPE '\\' OR w.description ILIKE :pattern ESCAPE '\\')", {
        pattern: containsPattern(q),
      });
    }
    const total = await qb.getCount();
    // offset/limit, not skip/take: the join is one row per workspace, so no de-duplication subquery is needed.
    const { entities, raw } = await qb
      .orderBy('w.id', 'ASC')
      .offset(query.offset)
      .limit(query.limit)
      .getRawAndEntities<{ my_role: WorkspaceRole }>();
    return toList(
      entities.map((w, i) => toWorkspaceView(w, raw[i].my_role)),
      total,
      query,
    );
  }

  /** The workspace and its creator's OWNER membership are one unit: both rows or neither. */
  async create(user: AuthUser, dto: CreateWorkspaceDto): Promise<WorkspaceView> {
    const workspace = await this.dataSource.transaction(async (em) => {
      const created = await em.getRepository(WorkspaceEntity).save(
        em.getRepository(WorkspaceEntity).create({
          name: dto.name,
          ownerId: user.id,
          description: dto.description ?? '',
          settings: dto.settings ?? {},
        }),
      );
      await em.getRepository(MemberEntity).insert({
        workspaceId: created.id,
        userId: user.id,
        email: user.email,
        role: 'OWNER',
        meta: {},
        invitedBy: null,
        acceptedAt: new Date(),
      });
      return created;
    });
    this.logger.log({ workspace_id: workspace.id, user_id: user.id }, 'workspace created');
    void this.events.emit('member.changed', { workspaceId: workspace.id, userId: user.id, kind: 'added' });
    return toWorkspaceView(workspace, 'OWNER');
  }

  async get(userId: number, workspaceId: number): Promise<WorkspaceView> {
    const { workspace, member } = await this.access.require(userId, workspaceId, 'VIEWER');
    return toWorkspaceView(workspace, member.role);
  }

  async update(userId: number, workspaceId: number, dto: UpdateWorkspaceDto): Promise<WorkspaceView> {
    if (dto.name === undefined && dto.description === undefined && dto.settings === undefined) {
      throw ApiError.badRequest('nothing to update: give name, description or settings', 'empty_update');
    }
    return this.locks.withAccess(userId, workspaceId, 'ADMIN', async ({ em, workspace, member }) => {
      if (dto.name !== undefined) workspace.name = dto.name;
      if (dto.description !== undefined) workspace.description = dto.description;
      if (dto.settings !== undefined) workspace.settings = dto.settings;
      return toWorkspaceView(await em.getRepository(WorkspaceEntity).save(workspace), member.role);
    });
  }

  /** Soft delete under the workspace lock, so no membership change can land on a deleted workspace. */
  async remove(userId: number, workspaceId: number): Promise<void> {
    await this.locks.withAccess(userId, workspaceId, 'OWNER', ({ em }) =>
      em.getRepository(WorkspaceEntity).softDelete({ id: workspaceId }),
    );
    this.logger.log({ workspace_id: workspaceId, user_id: userId }, 'workspace deleted');
    void this.events.emit('workspace.deleted', { workspaceId });
  }
}
