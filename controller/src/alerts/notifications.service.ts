import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AlertRulesService } from './alert-rules.service';
import { NotificationEntity } from './alert.entity';
import { NotificationView, toNotificationView } from './alert.view';
import { Channel, NotificationSender } from './delivery/notification-sender';
import type { AlertNotification } from './delivery/webhook-templates';
import type { NotificationListQueryDto } from './dto/alert-query.dto';

export interface TestNotificationReport {
  results: { channel: Channel; ok: boolean; status: number | null; error: string | null }[];
}

/** The delivery log of a workspace (ADMIN): the dead-letter list, retries, and test sends. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectRepository(NotificationEntity) private readonly outbox: Repository<NotificationEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly rules: AlertRulesService,
    private readonly sender: NotificationSender,
  ) {}

  async list(userId: number, workspaceId: number, query: NotificationListQueryDto): Promise<ListResponse<NotificationView>> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const [rows, total] = await this.outbox.findAndCount({
      where: { workspaceId, ...(query.status ? { status: query.status } : {}) },
      order: { id: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return toList(rows.map(toNotificationView), total, query);
  }

  /** A dead-lettered notification goes back to the queue with a fresh set of attempts. */
  async retry(userId: number, workspaceId: number, notificationId: number): Promise<NotificationView> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const row = await this.outbox.findOne({ where: { id: String(notificationId), workspaceId } });
    if (!row) throw ApiError.notFound('notification');
    if (row.status !== 'dead') throw ApiError.conflict(`only dead notifications can be retried (this one is ${row.status})`, 'not_dead');
    await this.outbox.update({ id: row.id, status: 'dead' }, { status: 'pending', attempts: 0, nextAttemptAt: new Date(), lastError: null });
    return toNotificationView(await this.outbox.findOneOrFail({ where: { id: row.id } }));
  }

  /** Sends a sample notification on every channel the rule has, now, and says how each went. */
  async sendTest(userId: number, workspaceId: number, ruleId: number): Promise<TestNotificationReport> {
    await this.access.require(userId, workspaceId, 'ADMIN');
    const rule = await this.rules.find(workspaceId, ruleId);
    const channels: Channel[] = [];
    if (rule.webhookUrl) channels.push('webhook');
    if (rule.emailTo.length > 0) channels.push('email');
    if (channels.length === 0) throw ApiError.badRequest('the rule has no webhook_url and no email_to to test', 'nothing_to_test');
    const now = new Date().toISOString();
    const sample: AlertNotification = {
      event: 'alert.test',
      rule: { id: rule.id, name: rule.name },
      alert: {
        id: 0,
        workspace_id: workspaceId,
        probe_id: rule.probeId,
        agent_id: rule.agentId,
        probe_type: null,
        probe_name: null,
        probe_target: rule.target,
        agent_name: null,
        metric: rule.metric,
        value: rule.threshold,
        threshold: rule.threshold,
        severity: rule.severity,
        status: 'active',
        triggered_at: now,
        resolved_at: null,
      },
    };
    const results = await Promise.all(
      channels.map(async (channel) => {
        const outcome = await this.sender.send(channel, rule, sample, `test-${rule.id}-${Date.now()}`);
        return { channel, ok: outcome.ok, status: outcome.status, error: outcome.ok ? null : outcome.error };
      }),
    );
    return { results };
  }
}
