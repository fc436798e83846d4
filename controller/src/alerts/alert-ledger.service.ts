import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AlertEntity, AlertHistoryEntity, NotificationEntity } from './alert.entity';
import type { AlertRuleEntity } from './alert-rule.entity';
import type { NotificationEvent, AlertNotification } from './delivery/webhook-templates';
import type { SeriesSubject } from './evaluation/series-key';
import { INITIAL_STATE, SeriesCondition, SeriesEvent, SeriesState, step } from './evaluation/series-machine';

/** One state change of an alert, as the panel and the notifiers hear of it. */
export interface AlertChange {
  action: 'created' | 'renotify' | 'resolved' | 'acknowledged';
  alert: AlertEntity;
  rule: AlertRuleEntity | null;
  /** Why nobody is notified (flapping, cooldown, maintenance), or null. */
  suppressed: string | null;
}

export interface SeriesSample {
  rule: AlertRuleEntity;
  key: string;
  subject: SeriesSubject;
  condition: SeriesCondition;
  at: number;
  value: number;
  /** Views of quorum rules change state but never open alerts of their own. */
  opensAlerts: boolean;
  faultAt?: 'agent' | 'target';
  /** Whether a notification at `at` falls in a maintenance window (recorded, not sent). */
  inMaintenance: (at: number) => boolean;
}

export interface AppliedSample {
  state: SeriesState;
  events: readonly SeriesEvent[];
  changes: AlertChange[];
}

const EVENT_OF: Record<AlertChange['action'], NotificationEvent> = {
  created: 'alert.triggered',
  renotify: 'alert.renotify',
  resolved: 'alert.resolved',
  acknowledged: 'alert.acknowledged',
};

/**
 * The only writer of alert state. A sample that changes an alert is applied inside one
 * transaction that locks its series row and steps from the stored state, so two replicas
 * (or a re-delivered result) cannot fire twice; the alert row, its history and the outbox
 * rows for its notifications commit together, so a crash loses none of them.
 */
@Injectable()
export class AlertLedger {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async loadStates(keys: readonly { ruleId: number; key: string }[]): Promise<Map<string, SeriesState>> {
    const found = new Map<string, SeriesState>();
    if (keys.length === 0) return found;
    const rows = await this.db.query<{ rule_id: number; series_key: string; state: SeriesState }[]>(
      `SELECT rule_id, series_key, state FROM alert_series
        WHERE (rule_id, series_key) IN (SELECT * FROM unnest($1::int[], $2::text[]))`,
      [keys.map((k) => k.ruleId), keys.map((k) => k.key)],
    );
    for (const row of rows) found.set(stateId(row.rule_id, row.series_key), row.state);
    return found;
  }

  /** Write-behind for samples that changed no alert (pending counts, last sample time). */
  async saveStates(states: readonly { ruleId: number; key: string; state: SeriesState }[]): Promise<void> {
    if (states.length === 0) return;
    // Only ever moves a series forward in time: a replica with an older view cannot roll it back.
    await this.db.query(
      `INSERT INTO alert_series (rule_id, series_key, state, updated_at)
       SELECT r, k, s, now() FROM unnest($1::int[], $2::text[], $3::jsonb[]) AS t(r, k, s)
         WHERE EXISTS (SELECT 1 FROM alert_rules WHERE id = r)
       ON CONFLICT (rule_id, series_key) DO UPDATE SET state = excluded.state, updated_at = now()
         WHERE coalesce((alert_series.state->>'lastSampleAt')::bigint, 0) < coalesce((excluded.state->>'lastSampleAt')::bigint, 0)`,
      [states.map((s) => s.ruleId), states.map((s) => s.key), states.map((s) => JSON.stringify(s.state))],
    );
  }

  /** How many series under `prefix` (a quorum rule's agent views of one target) are firing. */
  async countFiring(ruleId: number, prefix: string): Promise<number> {
    const [row] = await this.db.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM alert_series
        WHERE rule_id = $1 AND starts_with(series_key, $2) AND state->>'phase' = 'firing'`,
      [ruleId, prefix],
    );
    return row?.n ?? 0;
  }

  /**
   * A user resolved an alert by hand: the series starts over (phase ok), so if the condition
   * still holds the next sample opens a new alert instead of the series staying silent.
   */
  async restartSeries(em: EntityManager, ruleId: number, key: string): Promise<void> {
    await em.query(
      `UPDATE alert_series SET state = jsonb_set(jsonb_set(jsonb_set(state, '{phase}', '"ok"'), '{breachCount}', '0'), '{breachSince}', 'null'),
              updated_at = now()
        WHERE rule_id = $1 AND series_key = $2`,
      [ruleId, key],
    );
  }

  /**
   * A rule was deleted or its condition changed: its open alerts are resolved (the rule that
   * would clear them is gone or means something else now) and its series start over.
   */
  async closeRuleAlerts(em: EntityManager, ruleId: number, kind: 'rule_deleted' | 'rule_changed'): Promise<AlertEntity[]> {
    const open = await em
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where(`a.rule_id = :ruleId AND a.status <> 'resolved'`, { ruleId })
      .setLock('pessimistic_write')
      .getMany();
    const now = new Date();
    for (const alert of open) {
      alert.status = 'resolved';
      alert.resolvedAt = now;
      await em.getRepository(AlertEntity).save(alert);
      await em.getRepository(AlertHistoryEntity).insert({ alertId: alert.id, kind, value: null, suppressed: null, at: now });
    }
    await em.query(`DELETE FROM alert_series WHERE rule_id = $1`, [ruleId]);
    return open;
  }

  /** Applies one sample under the series lock, from the stored state. */
  async apply(sample: SeriesSample): Promise<AppliedSample> {
    return this.db.transaction(async (em) => {
      await em.query(
        `INSERT INTO alert_series (rule_id, series_key, state) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [sample.rule.id, sample.key, JSON.stringify(INITIAL_STATE)],
      );
      const [row] = await em.query<{ state: SeriesState }[]>(
        `SELECT state FROM alert_series WHERE rule_id = $1 AND series_key = $2 FOR UPDATE`,
        [sample.rule.id, sample.key],
      );
      const { state, events } = step(row?.state ?? INITIAL_STATE, sample.condition, { at: sample.at, value: sample.value });
      if (events.length === 0) return { state, events, changes: [] };
      await em.query(`UPDATE alert_series SET state = $3, updated_at = now() WHERE rule_id = $1 AND series_key = $2`, [
        sample.rule.id,
        sample.key,
        JSON.stringify(state),
      ]);
      const changes: AlertChange[] = [];
      if (sample.opensAlerts) {
        for (const event of events) {
          const change = await this.record(em, sample, event);
          if (change) changes.push(change);
        }
      }
      return { state, events, changes };
    });
  }

  private async record(em: EntityManager, sample: SeriesSample, event: SeriesEvent): Promise<AlertChange | null> {
    const alerts = em.getRepository(AlertEntity);
    const at = new Date(event.at);
    const suppressed = event.suppressed ?? (sample.inMaintenance(event.at) ? 'maintenance' : null);
    let alert: AlertEntity | null;
    let action: AlertChange['action'];
    if (event.kind === 'fired') {
      alert = await alerts.save(
        alerts.create({
          workspaceId: sample.rule.workspaceId,
          ruleId: sample.rule.id,
          seriesKey: sample.key,
          probeId: sample.subject.probeId,
          agentId: sample.subject.agentId,
          target: sample.subject.target,
          metric: sample.rule.metric,
          value: event.value,
          threshold: sample.rule.threshold,
          severity: sample.rule.severity,
          status: 'active',
          faultAt: sample.faultAt ?? null,
          triggeredAt: at,
          acknowledgedAt: null,
          acknowledgedBy: null,
          resolvedAt: null,
        }),
      );
      action = 'created';
    } else {
      alert = await this.openAlert(em, sample.rule.id, sample.key);
      // A series can be firing without an open alert when a user resolved it by hand; then a
      // "resolved" from the data has nothing left to close, and a re-notify nothing to repeat.
      if (!alert) return null;
      alert.value = event.value;
      if (event.kind === 'resolved') {
        alert.status = 'resolved';
        alert.resolvedAt = at;
      }
      await alerts.save(alert);
      action = event.kind === 'resolved' ? 'resolved' : 'renotify';
    }
    await em.getRepository(AlertHistoryEntity).insert({ alertId: alert.id, kind: event.kind, value: event.value, suppressed, at });
    const change: AlertChange = { action, alert, rule: sample.rule, suppressed };
    if (suppressed === null) await this.enqueueNotifications(em, change);
    return change;
  }

  async openAlert(em: EntityManager, ruleId: number, key: string): Promise<AlertEntity | null> {
    return em
      .getRepository(AlertEntity)
      .createQueryBuilder('a')
      .where(`a.rule_id = :ruleId AND a.series_key = :key AND a.status <> 'resolved'`, { ruleId, key })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Outbox rows for every channel the rule notifies on, in the caller's transaction. */
  async enqueueNotifications(em: EntityManager, change: AlertChange, event: NotificationEvent = EVENT_OF[change.action]): Promise<void> {
    const rule = change.rule;
    if (!rule) return;
    const payload = notificationOf(event, change.alert, rule);
    const rows: Partial<NotificationEntity>[] = [];
    if (rule.notifyWebhook && rule.webhookUrl) rows.push({ channel: 'webhook' });
    if (rule.notifyEmail && rule.emailTo.length > 0) rows.push({ channel: 'email' });
    if (rows.length === 0) return;
    await em.getRepository(NotificationEntity).insert(
      rows.map((r) => ({
        ...r,
        workspaceId: rule.workspaceId,
        alertId: change.alert.id,
        ruleId: rule.id,
        event,
        payload,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: new Date(),
      })),
    );
  }
}

export const stateId = (ruleId: number, key: string): string => `${ruleId}\u0000${key}`;

/** The notification body (names are filled in by the sender, which may look them up fresh). */
export function notificationOf(event: NotificationEvent, a: AlertEntity, rule: AlertRuleEntity): AlertNotification {
  return {
    event,
    rule: { id: rule.id, name: rule.name },
    alert: {
      id: a.id,
      workspace_id: a.workspaceId,
      probe_id: a.probeId,
      agent_id: a.agentId,
      probe_type: null,
      probe_name: null,
      probe_target: a.target,
      agent_name: null,
      metric: a.metric,
      value: a.value,
      threshold: a.threshold,
      severity: a.severity,
      status: a.status,
      triggered_at: a.triggeredAt.toISOString(),
      resolved_at: a.resolvedAt?.toISOString() ?? null,
      ...(a.faultAt ? { fault_at: a.faultAt } : {}),
    },
  };
}
