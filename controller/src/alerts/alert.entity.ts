import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ALERT_STATUSES = ['active', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

@Entity({ name: 'alerts' })
export class AlertEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'rule_id', type: 'integer', nullable: true })
  ruleId!: number | null;

  @Column({ name: 'series_key', type: 'text' })
  seriesKey!: string;

  @Column({ name: 'probe_id', type: 'integer', nullable: true })
  probeId!: number | null;

  @Column({ name: 'agent_id', type: 'integer', nullable: true })
  agentId!: number | null;

  @Column({ type: 'text', nullable: true })
  target!: string | null;

  @Column({ type: 'text' })
  metric!: string;

  @Column({ type: 'double precision' })
  value!: number;

  @Column({ type: 'double precision' })
  threshold!: number;

  @Column({ type: 'text' })
  severity!: string;

  @Column({ type: 'text' })
  status!: AlertStatus;

  /** Quorum rules: 'target' when enough agents agree, 'agent' while only some vantage points see it. */
  @Column({ name: 'fault_at', type: 'text', nullable: true })
  faultAt!: 'agent' | 'target' | null;

  @Column({ name: 'triggered_at', type: 'timestamptz' })
  triggeredAt!: Date;

  @Column({ name: 'acknowledged_at', type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ name: 'acknowledged_by', type: 'integer', nullable: true })
  acknowledgedBy!: number | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}

@Entity({ name: 'alert_history' })
export class AlertHistoryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'alert_id', type: 'integer' })
  alertId!: number;

  /** fired | renotify | resolved | acknowledged | resolved_by_user */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'double precision', nullable: true })
  value!: number | null;

  /** Why nobody was told: flapping, cooldown or maintenance (null: notified). */
  @Column({ type: 'text', nullable: true })
  suppressed!: string | null;

  @Column({ name: 'actor_user_id', type: 'integer', nullable: true })
  actorUserId!: number | null;

  @Column({ type: 'timestamptz' })
  at!: Date;
}

@Entity({ name: 'alert_series' })
export class AlertSeriesEntity {
  @Column({ name: 'rule_id', type: 'integer', primary: true })
  ruleId!: number;

  @Column({ name: 'series_key', type: 'text', primary: true })
  seriesKey!: string;

  @Column({ type: 'jsonb' })
  state!: unknown;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'maintenance_windows' })
export class MaintenanceWindowEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'agent_id', type: 'integer', nullable: true })
  agentId!: number | null;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  @Column({ name: 'ends_at', type: 'timestamptz' })
  endsAt!: Date;

  @Column({ type: 'text', default: '' })
  reason!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

export const NOTIFICATION_STATUSES = ['pending', 'sent', 'dead'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

@Entity({ name: 'notification_outbox' })
export class NotificationEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ name: 'alert_id', type: 'integer', nullable: true })
  alertId!: number | null;

  @Column({ name: 'rule_id', type: 'integer', nullable: true })
  ruleId!: number | null;

  @Column({ type: 'text' })
  channel!: 'webhook' | 'email';

  @Column({ type: 'text' })
  event!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'text' })
  status!: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'last_status', type: 'integer', nullable: true })
  lastStatus!: number | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
