import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ComparisonOperator } from './evaluation/comparison';
import type { WebhookTemplate } from './delivery/webhook-templates';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `double precision` comes back from pg as a number already; `numeric` would not. */
@Entity({ name: 'alert_rules' })
export class AlertRuleEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'workspace_id', type: 'integer' })
  workspaceId!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  metric!: string;

  @Column({ type: 'text' })
  operator!: ComparisonOperator;

  @Column({ type: 'double precision' })
  threshold!: number;

  @Column({ name: 'clear_threshold', type: 'double precision', nullable: true })
  clearThreshold!: number | null;

  @Column({ type: 'text' })
  severity!: Severity;

  @Column({ name: 'probe_id', type: 'integer', nullable: true })
  probeId!: number | null;

  @Column({ name: 'agent_id', type: 'integer', nullable: true })
  agentId!: number | null;

  @Column({ type: 'text', nullable: true })
  target!: string | null;

  /** 0: every agent alerts on its own; N: the target alerts when at least N agents see it breach. */
  @Column({ name: 'quorum_min_agents', type: 'integer', default: 0 })
  quorumMinAgents!: number;

  @Column({ name: 'sustain_count', type: 'integer', default: 1 })
  sustainCount!: number;

  @Column({ name: 'sustain_seconds', type: 'integer', default: 0 })
  sustainSeconds!: number;

  @Column({ name: 'renotify_seconds', type: 'integer', nullable: true })
  renotifySeconds!: number | null;

  @Column({ name: 'cooldown_seconds', type: 'integer', default: 0 })
  cooldownSeconds!: number;

  @Column({ name: 'flap_window_seconds', type: 'integer', nullable: true })
  flapWindowSeconds!: number | null;

  @Column({ name: 'flap_max_transitions', type: 'integer', nullable: true })
  flapMaxTransitions!: number | null;

  @Column({ name: 'notify_panel', type: 'boolean', default: true })
  notifyPanel!: boolean;

  @Column({ name: 'notify_webhook', type: 'boolean', default: false })
  notifyWebhook!: boolean;

  @Column({ name: 'webhook_url', type: 'text', nullable: true })
  webhookUrl!: string | null;

  /** Write-only through the API: used to sign, never returned. */
  @Column({ name: 'webhook_secret', type: 'text', nullable: true })
  webhookSecret!: string | null;

  @Column({ name: 'webhook_template', type: 'text', default: 'json' })
  webhookTemplate!: WebhookTemplate;

  @Column({ name: 'notify_email', type: 'boolean', default: false })
  notifyEmail!: boolean;

  @Column({ name: 'email_to', type: 'jsonb', default: [] })
  emailTo!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
