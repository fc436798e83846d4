import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import type { AuthUser } from '../auth/current-user.decorator';
import { ApiError } from '../common/api-error';
import { auditDiff, auditFields, AuditTrail } from '../common/audit-trail';
import { containsPattern } from '../common/like-pattern';
import { ListResponse, SearchPageQueryDto, toList } from '../common/pagination';
import { DomainEventBus } from '../events/event-bus';
import { CreateWorkspaceDto, UpdateWorkspaceDto } from './dto/workspace.dto';
import { MemberEntity, WorkspaceRole } from './member.entity';
import { WorkspaceAccessService } from './workspace-access.service';
import { WorkspaceLockService } from './workspace-lock.service';
import { WorkspaceEntity } from './workspace.entity';
import { toWorkspaceView, WorkspaceView } from './workspace.view';

/** What the audit log records of a workspace (all of it: a workspace holds no secret). */
const WORKSPACE_FIELDS = ['name', 'description', 'settings'] as const;
const WORKSPACE = (id: number) => ({ type: 'workspace', id });

@Injectable()
export class WorkspacesService {
  private readonly logger = new Logger(WorkspacesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(WorkspaceEntity) private readonly workspaces: Repository<WorkspaceEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly locks: WorkspaceLockService,
    private readonly events: DomainEventBus,
    private readonly audit: AuditTrail,
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
      await this.audit.record(
        { workspaceId: created.id, action: 'workspace.created', target: WORKSPACE(created.id), changes: auditFields(created, WORKSPACE_FIELDS) },
        em,
      );
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
      const before = { ...workspace };
      if (dto.name !== undefined) workspace.name = dto.name;
      if (dto.description !== undefined) workspace.description = dto.description;
      if (dto.settings !== undefined) workspace.settings = dto.settings;
      const saved = await em.getRepository(WorkspaceEntity).save(workspace);
      const changes = auditDiff(before, workspace, WORKSPACE_FIELDS);
      if (Object.keys(changes).length > 0) {
        await this.audit.record({ workspaceId, action: 'workspace.updated', target: WORKSPACE(workspaceId), changes }, em);
      }
      return toWorkspaceView(saved, member.role);
    });
  }

  /** Soft delete under the workspace lock, so no membership change can land on a deleted workspace. */
  async remove(userId: number, workspaceId: number): Promise<void> {
    await this.locks.withAccess(userId, workspaceId, 'OWNER', async ({ em, workspace }) => {
      await em.getRepository(WorkspaceEntity).softDelete({ id: workspaceId });
      await this.audit.record({ workspaceId, action: 'workspace.deleted', target: WORKSPACE(workspaceId), changes: { name: workspace.name } }, em);
    });
    this.logger.log({ workspace_id: workspaceId, user_id: userId }, 'workspace deleted');
    void this.events.emit('workspace.deleted', { workspaceId });
  }
}
