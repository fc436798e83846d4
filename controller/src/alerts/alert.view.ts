import type { AlertSummary } from '@netwatcher/shared';
import type { AlertEntity, AlertHistoryEntity, NotificationEntity } from './alert.entity';
import type { AlertRuleEntity } from './alert-rule.entity';

/** The seed's alert-rule fields (secret replaced by `has_webhook_secret`), plus the tuning ones. */
export interface AlertRuleView {
  id: number;
  workspace_id: number;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  clear_threshold: number | null;
  severity: string;
  probe_id: number | null;
  agent_id: number | null;
  target: string | null;
  quorum_min_agents: number;
  sustain_count: number;
  sustain_seconds: number;
  renotify_seconds: number | null;
  cooldown_seconds: number;
  flap_window_seconds: number | null;
  flap_max_transitions: number | null;
  notify_panel: boolean;
  notify_webhook: boolean;
  webhook_url: string | null;
  has_webhook_secret: boolean;
  webhook_template: string;
  notify_email: boolean;
  email_to: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

export function toAlertRuleView(r: AlertRuleEntity): AlertRuleView {
  return {
    id: r.id,
    workspace_id: r.workspaceId,
    name: r.name,
    metric: r.metric,
    operator: r.operator,
    threshold: r.threshold,
    clear_threshold: r.clearThreshold,
    severity: r.severity,
    probe_id: r.probeId,
    agent_id: r.agentId,
    target: r.target,
    quorum_min_agents: r.quorumMinAgents,
    sustain_count: r.sustainCount,
    sustain_seconds: r.sustainSeconds,
    renotify_seconds: r.renotifySeconds,
    cooldown_seconds: r.cooldownSeconds,
    flap_window_seconds: r.flapWindowSeconds,
    flap_max_transitions: r.flapMaxTransitions,
    notify_panel: r.notifyPanel,
    notify_webhook: r.notifyWebhook,
    webhook_url: r.webhookUrl,
    has_webhook_secret: r.webhookSecret !== null && r.webhookSecret !== '',
    webhook_template: r.webhookTemplate,
    notify_email: r.notifyEmail,
    email_to: r.emailTo,
    enabled: r.enabled,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/** What an alert names besides its own row: looked up when listed, so renames show. */
export interface AlertSubjectNames {
  probe_type: string | null;
  probe_name: string | null;
  agent_name: string | null;
}

/** The contract's alert fields (one definition, in the protocol package: the panel event carries it too). */
export type AlertView = AlertSummary;

export function toAlertView(a: AlertEntity, names: AlertSubjectNames): AlertView {
  return {
    id: a.id,
    workspace_id: a.workspaceId,
    rule_id: a.ruleId,
    probe_id: a.probeId,
    agent_id: a.agentId,
    probe_type: names.probe_type,
    probe_name: names.probe_name,
    probe_target: a.target,
    agent_name: names.agent_name,
    metric: a.metric,
    value: a.value,
    threshold: a.threshold,
    severity: a.severity,
    status: a.status,
    fault_at: a.faultAt,
    triggered_at: a.triggeredAt.toISOString(),
    acknowledged_at: a.acknowledgedAt?.toISOString() ?? null,
    acknowledged_by: a.acknowledgedBy,
    resolved_at: a.resolvedAt?.toISOString() ?? null,
  };
}

export interface AlertHistoryView {
  kind: string;
  value: number | null;
  suppressed: string | null;
  actor_user_id: number | null;
  at: string;
}

export function toAlertHistoryView(h: AlertHistoryEntity): AlertHistoryView {
  return { kind: h.kind, value: h.value, suppressed: h.suppressed, actor_user_id: h.actorUserId, at: h.at.toISOString() };
}

/** A delivery as operators see it on the dead-letter list; the payload is what was (to be) sent. */
export interface NotificationView {
  id: number;
  workspace_id: number;
  alert_id: number | null;
  rule_id: number | null;
  channel: string;
  event: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  last_status: number | null;
  created_at: string;
  sent_at: string | null;
}

export function toNotificationView(n: NotificationEntity): NotificationView {
  return {
    id: Number(n.id),
    workspace_id: n.workspaceId,
    alert_id: n.alertId,
    rule_id: n.ruleId,
    channel: n.channel,
    event: n.event,
    status: n.status,
    attempts: n.attempts,
    next_attempt_at: n.status === 'pending' ? n.nextAttemptAt.toISOString() : null,
    last_error: n.lastError,
    last_status: n.lastStatus,
    created_at: n.createdAt.toISOString(),
    sent_at: n.sentAt?.toISOString() ?? null,
  };
}
