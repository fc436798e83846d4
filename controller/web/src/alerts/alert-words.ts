/**
 * Alerts and rules in words: what a metric measures and in which unit, a condition as a
 * sentence, what a history entry means. Pure, so the wording is unit tested.
 */
import type { Alert } from '../api/types';

export const METRICS: readonly { metric: string; label: string; unit: string }[] = [
  { metric: 'packet_loss', label: 'Packet loss', unit: '%' },
  { metric: 'latency', label: 'Latency (average)', unit: 'ms' },
  { metric: 'latency_p95', label: 'Latency (p95)', unit: 'ms' },
  { metric: 'jitter', label: 'Jitter', unit: 'ms' },
  { metric: 'mtr_hop_loss', label: 'Worst hop loss (MTR)', unit: '%' },
  { metric: 'route_change', label: 'Route change (MTR, 1 = changed)', unit: '' },
  { metric: 'as_path_change', label: 'AS path change (MTR, 1 = changed)', unit: '' },
  { metric: 'agent_offline', label: 'Agent offline for', unit: 's' },
];
export const OPERATORS = ['>', '>=', '<', '<=', '==', '!='] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const WEBHOOK_TEMPLATES = ['json', 'slack', 'discord', 'teams'] as const;

export function metricLabel(metric: string): string {
  return METRICS.find((m) => m.metric === metric)?.label ?? metric;
}

export function metricUnit(metric: string): string {
  return METRICS.find((m) => m.metric === metric)?.unit ?? '';
}

/** A value with its metric's unit: `12.5 ms`, `100 %`, `75 s`. */
export function metricValue(metric: string, value: number | null): string {
  if (value === null) return '—';
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 10 ? 2 : 1);
  const unit = metricUnit(metric);
  return unit ? `${shown} ${unit}` : shown;
}

/** "Packet loss > 50 %". */
export function condition(metric: string, operator: string, threshold: number): string {
  return `${metricLabel(metric)} ${operator} ${metricValue(metric, threshold)}`;
}

/** What the alert is about: the probe and its target, else the agent, else the workspace. */
export function alertSubject(a: Alert): string {
  const probe = a.probe_type ? `${a.probe_type}${a.probe_target ? ` → ${a.probe_target}` : ''}` : a.probe_name;
  const parts = [a.agent_name ? `agent ${a.agent_name}` : a.agent_id !== null ? `agent ${a.agent_id}` : null, probe];
  const named = parts.filter(Boolean).join(', ');
  return named || 'the whole workspace';
}

const HISTORY_KINDS: Record<string, string> = {
  fired: 'Fired',
  renotify: 'Still breaching (re-notified)',
  acknowledged: 'Acknowledged',
  resolved: 'Cleared: back within the threshold',
  resolved_by_user: 'Resolved',
  rule_deleted: 'Resolved: its rule was deleted',
  rule_changed: 'Resolved: its rule was changed',
};

/** One history line: "Fired at 100 %", "Acknowledged by user 3", "… (notification held back: cooldown)". */
export function historyLine(entry: { kind: string; value: number | null; suppressed: string | null; actor_user_id: number | null }, metric: string): string {
  let text = HISTORY_KINDS[entry.kind] ?? entry.kind.replace(/_/g, ' ');
  if (entry.value !== null) text += ` at ${metricValue(metric, entry.value)}`;
  if (entry.actor_user_id !== null) text += ` by user ${entry.actor_user_id}`;
  if (entry.suppressed) text += ` (notification held back: ${entry.suppressed})`;
  return text;
}
