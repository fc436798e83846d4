import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { AuditTrail } from '../common/audit-trail';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AlertSubjects } from './alert-subjects';
import { MaintenanceWindowEntity } from './alert.entity';
import type { CreateMaintenanceWindowDto } from './dto/maintenance-window.dto';
import { RuleChanges } from './rule-changes';

export interface MaintenanceWindowView {
  id: number;
  workspace_id: number;
  agent_id: number | null;
  starts_at: string;
  ends_at: string;
  reason: string;
}

const toView = (w: MaintenanceWindowEntity): MaintenanceWindowView => ({
  id: w.id,
  workspace_id: w.workspaceId,
  agent_id: w.agentId,
  starts_at: w.startsAt.toISOString(),
  ends_at: w.endsAt.toISOString(),
  reason: w.reason,
});

/** At most a year: a forgotten "maintenance" must not silence a workspace for ever. */
const MAX_WINDOW_MS = 366 * 86_400_000;

const WINDOW = (id: number) => ({ type: 'maintenance_window', id });

/** Maintenance windows: alerts in them are recorded, notifications are not sent. */
@Injectable()
export class MaintenanceWindowsService {
  constructor(
    @InjectRepository(MaintenanceWindowEntity) private readonly windows: Repository<MaintenanceWindowEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly subjects: AlertSubjects,
    private readonly changes: RuleChanges,
    private readonly audit: AuditTrail,
  ) {}

  async list(userId: number, workspaceId: number, page: PageQueryDto): Promise<ListResponse<MaintenanceWindowView>> {
    await this.access.require(userId, workspaceId);
    const [rows, total] = await this.windows.findAndCount({
      where: { workspaceId, endsAt: MoreThan(new Date()) },
      order: { startsAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return toList(rows.map(toView), total, page);
  }

  async create(userId: number, workspaceId: number, dto: CreateMaintenanceWindowDto): Promise<MaintenanceWindowView> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const startsAt = new Date(dto.starts_at);
    const endsAt = new Date(dto.ends_at);
    if (Number.isNaN(startsAt.getTime()) || Number.isNaN(endsAt.getTime())) {
      throw ApiError.badRequest('starts_at and ends_at must be real instants', 'validation_failed');
    }
    if (endsAt <= startsAt) throw ApiError.badRequest('ends_at must be after starts_at', 'validation_failed');
    if (endsAt.getTime() - startsAt.getTime() > MAX_WINDOW_MS) throw ApiError.badRequest('a maintenance window lasts at most 366 days', 'validation_failed');
    const agentId = dto.agent_id ?? null;
    if (agentId !== null && !(await this.subjects.agents(workspaceId, [agentId])).has(agentId)) {
      throw ApiError.badRequest(`agent ${agentId} not found in this workspace`, 'validation_failed');
    }
    const saved = await this.windows.manager.transaction(async (em) => {
      const repo = em.getRepository(MaintenanceWindowEntity);
      const window = await repo.save(repo.create({ workspaceId, agentId, startsAt, endsAt, reason: dto.reason ?? '' }));
      await this.audit.record(
        { workspaceId, action: 'maintenance_window.created', target: WINDOW(window.id), changes: { agent_id: agentId, starts_at: startsAt, ends_at: endsAt, reason: window.reason } },
        em,
      );
      return window;
    });
    this.changes.changed(workspaceId);
    return toView(saved);
  }

  async remove(userId: number, workspaceId: number, windowId: number): Promise<void> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    await this.windows.manager.transaction(async (em) => {
      const { affected } = await em.getRepository(MaintenanceWindowEntity).delete({ id: windowId, workspaceId });
      if (!affected) throw ApiError.notFound('maintenance window');
      await this.audit.record({ workspaceId, action: 'maintenance_window.deleted', target: WINDOW(windowId) }, em);
    });
    this.changes.changed(workspaceId);
  }
}
