import type { AlertSummary } from '@netwatcher/shared';

/** The formats a rule's webhook can be sent in: our own JSON, or what each chat tool accepts. */
export const WEBHOOK_TEMPLATES = ['json', 'slack', 'discord', 'teams'] as const;
export type WebhookTemplate = (typeof WEBHOOK_TEMPLATES)[number];

export type NotificationEvent = 'alert.triggered' | 'alert.renotify' | 'alert.resolved' | 'alert.acknowledged' | 'alert.test';

/** What every channel is told about one alert state change (field names as the seed's alert). */
export interface AlertNotification {
  event: NotificationEvent;
  rule: { id: number; name: string };
  /** The listed alert's fields, less the bookkeeping a receiver has no use for. */
  alert: Omit<AlertSummary, 'rule_id' | 'fault_at' | 'acknowledged_at' | 'acknowledged_by'> & {
    /** Quorum rules: whether the agents or the target look at fault. */
    fault_at?: 'agent' | 'target';
  };
}

const VERBS: Record<NotificationEvent, string> = {
  'alert.triggered': 'FIRING',
  'alert.renotify': 'STILL FIRING',
  'alert.resolved': 'RESOLVED',
  'alert.acknowledged': 'ACKNOWLEDGED',
  'alert.test': 'TEST',
};

/** One line a person reads first: "[FIRING] critical: High loss — packet_loss 12 > 5 on edge-1 → 10.0.0.1". */
export function headline(n: AlertNotification): string {
  const a = n.alert;
  const where = [a.agent_name, a.probe_target].filter((part) => part).join(' → ');
  return `[${VERBS[n.event]}] ${a.severity}: ${n.rule.name} — ${a.metric} ${formatValue(a.value)} (threshold ${formatValue(a.threshold)})${where ? ` on ${where}` : ''}`;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

const COLOURS: Record<string, number> = { critical: 0xd32f2f, warning: 0xf9a825, info: 0x1976d2 };
const RESOLVED_COLOUR = 0x2e7d32;

function colour(n: AlertNotification): number {
  return n.event === 'alert.resolved' ? RESOLVED_COLOUR : (COLOURS[n.alert.severity] ?? COLOURS.info);
}

/** The request body for `template`. Text fields are plain: chat tools escape what they render. */
export function renderWebhookBody(template: WebhookTemplate, n: AlertNotification): unknown {
  const text = headline(n);
  switch (template) {
    case 'json':
      return n;
    case 'slack':
      return {
        text,
        attachments: [
          {
            color: `#${colour(n).toString(16).padStart(6, '0')}`,
            fields: [
              { title: 'Metric', value: n.alert.metric, short: true },
              { title: 'Value', value: formatValue(n.alert.value), short: true },
              { title: 'Status', value: n.alert.status, short: true },
              { title: 'Triggered', value: n.alert.triggered_at, short: true },
            ],
          },
        ],
      };
    case 'discord':
      return {
        content: text.slice(0, 2000),
        embeds: [
          {
            title: n.rule.name.slice(0, 256),
            color: colour(n),
            fields: [
              { name: 'Metric', value: n.alert.metric, inline: true },
              { name: 'Value', value: formatValue(n.alert.value), inline: true },
              { name: 'Status', value: n.alert.status, inline: true },
            ],
            timestamp: n.alert.resolved_at ?? n.alert.triggered_at,
          },
        ],
      };
    case 'teams':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: text,
        themeColor: colour(n).toString(16).padStart(6, '0'),
        title: text,
        sections: [
          {
            facts: [
              { name: 'Metric', value: n.alert.metric },
              { name: 'Value', value: formatValue(n.alert.value) },
              { name: 'Threshold', value: formatValue(n.alert.threshold) },
              { name: 'Status', value: n.alert.status },
              { name: 'Triggered', value: n.alert.triggered_at },
            ],
          },
        ],
      };
  }
}
