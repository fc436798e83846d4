import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { type Caller, reachesWorkspace } from '../auth/caller';
import { ApiError } from '../common/api-error';
import { ListResponse, PageQueryDto, toList } from '../common/pagination';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AlertChanges } from './alert-changes';
import { AlertChange, AlertLedger } from './alert-ledger.service';
import { AlertRuleEntity } from './alert-rule.entity';
import { AlertViews } from './alert-views';
import { RuleChanges } from './rule-changes';
import { AlertEntity, AlertHistoryEntity, AlertStatus } from './alert.entity';
import { AlertHistoryView, AlertView, toAlertHistoryView } from './alert.view';

export interface AlertFilter extends PageQueryDto {
  status?: AlertStatus;
}

/** Alerts across the caller's workspaces (contract: GET /workspaces/alerts, PATCH /alerts/{id}). */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly views: AlertViews,
    private readonly ledger: AlertLedger,
    private readonly changes: AlertChanges,
    private readonly ruleChanges: RuleChanges,
  ) {}

  async list(caller: Caller, filter: AlertFilter): Promise<ListResponse<AlertView>> {
    const workspaceIds = await this.visibleWorkspaceIds(caller);
    if (workspaceIds.length === 0) return toList([], 0, filter);
    const [rows, total] = await this.alerts.findAndCount({
      where: { workspaceId: In(workspaceIds), ...(filter.status ? { status: filter.status } : {}) },
      order: { triggeredAt: 'DESC', id: 'DESC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return toList(await this.views.build(rows), total, filter);
  }

  async countActive(caller: Caller): Promise<{ count: number }> {
    const workspaceIds = await this.visibleWorkspaceIds(caller);
    if (workspaceIds.length === 0) return { count: 0 };
    return { count: await this.alerts.count({ where: { workspaceId: In(workspaceIds), status: 'active' } }) };
  }

  async history(caller: Caller, alertId: number): Promise<{ data: AlertHistoryView[] }> {
    await this.findVisible(caller, alertId);
    const rows = await this.db.getRepository(AlertHistoryEntity).find({ where: { alertId }, order: { id: 'ASC' }, take: 1000 });
    return { data: rows.map(toAlertHistoryView) };
  }

  /**
   * Acknowledge or resolve. Only members of the alert's workspace see it (404 for anyone else,
   * as for a missing alert); a resolved alert stays resolved (409 on acknowledge).
   */
  async setStatus(caller: Caller, alertId: number, status: 'acknowledged' | 'resolved'): Promise<AlertView> {
    const { userId } = caller;
    const visible = await this.findVisible(caller, alertId);
    await this.access.require(userId, visible.workspaceId, 'USER');
    const change = await this.db.transaction(async (em): Promise<AlertChange | null> => {
      const alert = await em.getRepository(AlertEntity).findOne({ where: { id: alertId }, lock: { mode: 'pessimistic_write' } });
      if (!alert) throw ApiError.notFound('alert');
      if (alert.status === status) return null;
      if (alert.status === 'resolved') throw ApiError.conflict('the alert is already resolved', 'alert_resolved');
      const now = new Date();
      if (status === 'acknowledged') {
        alert.status = 'acknowledged';
        alert.acknowledgedAt = now;
        alert.acknowledgedBy = userId;
      } else {
        alert.status = 'resolved';
        alert.resolvedAt = now;
        if (alert.ruleId !== null) await this.ledger.restartSeries(em, alert.ruleId, alert.seriesKey);
      }
      await em.getRepository(AlertEntity).save(alert);
      await em.getRepository(AlertHistoryEntity).insert({
        alertId,
        kind: status === 'acknowledged' ? 'acknowledged' : 'resolved_by_user',
        value: null,
        suppressed: null,
        actorUserId: userId,
        at: now,
      });
      const rule = alert.ruleId === null ? null : await em.getRepository(AlertRuleEntity).findOne({ where: { id: alert.ruleId } });
      const result: AlertChange = { action: status === 'acknowledged' ? 'acknowledged' : 'resolved', alert, rule, suppressed: null };
      await this.ledger.enqueueNotifications(em, result);
      return result;
    });
    if (change) this.changes.emit(change);
    if (change?.action === 'resolved' && change.alert.ruleId !== null) this.ruleChanges.seriesReset(change.alert.ruleId, change.alert.seriesKey);
    const fresh = await this.alerts.findOneOrFail({ where: { id: alertId } });
    return (await this.views.build([fresh]))[0];
  }

  /** The caller's workspaces, narrowed to those its API token may reach. */
  private async visibleWorkspaceIds(caller: Caller): Promise<number[]> {
    return (await this.access.memberWorkspaceIds(caller.userId)).filter((id) => reachesWorkspace(caller, id));
  }

  private async findVisible(caller: Caller, alertId: number): Promise<AlertEntity> {
    const alert = await this.alerts.findOne({ where: { id: alertId } });
    const workspaces = alert ? await this.visibleWorkspaceIds(caller) : [];
    if (!alert || !workspaces.includes(alert.workspaceId)) throw ApiError.notFound('alert');
    return alert;
  }
}
