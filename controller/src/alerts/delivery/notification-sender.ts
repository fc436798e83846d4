import { Inject, Injectable } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import type { AlertRuleEntity } from '../alert-rule.entity';
import { AlertSubjects } from '../alert-subjects';
import { sendWebhook, SendOutcome } from './webhook-sender';
import { signWebhook } from './webhook-signature';
import { AlertNotification, headline, renderWebhookBody } from './webhook-templates';

export type Channel = 'webhook' | 'email';

/**
 * Sends one notification on one channel, now. Used by the outbox worker (with retries) and by
 * "send test notification" (once, answering the caller). Names of the probe and agent are
 * filled in at send time, so a retry days later shows the current names.
 */
@Injectable()
export class NotificationSender {
  private mailer?: Transporter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly subjects: AlertSubjects,
  ) {}

  async send(channel: Channel, rule: AlertRuleEntity, notification: AlertNotification, deliveryId: string): Promise<SendOutcome> {
    const named = await this.withNames(notification);
    return channel === 'webhook' ? this.sendWebhook(rule, named, deliveryId) : this.sendEmail(rule, named);
  }

  private async sendWebhook(rule: AlertRuleEntity, n: AlertNotification, deliveryId: string): Promise<SendOutcome> {
    if (!rule.webhookUrl) return { ok: false, status: null, error: 'the rule has no webhook_url any more' };
    const body = JSON.stringify(renderWebhookBody(rule.webhookTemplate, n));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'user-agent': 'NetWatcher-Alerts',
      'x-netwatcher-event': n.event,
      'x-netwatcher-delivery': deliveryId,
      'x-timestamp': String(timestamp),
    };
    if (rule.webhookSecret) headers['x-signature'] = signWebhook(rule.webhookSecret, timestamp, body);
    return sendWebhook(
      { url: rule.webhookUrl, body, headers },
      { allowPrivilegedAddresses: this.config.alerts.webhookAllowPrivileged, timeoutMs: this.config.alerts.webhookTimeoutMs },
    );
  }

  private async sendEmail(rule: AlertRuleEntity, n: AlertNotification): Promise<SendOutcome> {
    const smtpUrl = this.config.alerts.smtpUrl;
    if (!smtpUrl) return { ok: false, status: null, error: 'SMTP_URL is not set' };
    if (rule.emailTo.length === 0) return { ok: false, status: null, error: 'the rule has no email_to addresses' };
    const timeout = this.config.alerts.webhookTimeoutMs;
    // Bounded well inside the outbox lease, so a slow server cannot make two replicas send one mail.
    this.mailer ??= createTransport({ url: smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
    const a = n.alert;
    const lines = [
      headline(n),
      '',
      `Rule: ${n.rule.name}`,
      `Metric: ${a.metric} = ${a.value} (threshold ${a.threshold})`,
      `Agent: ${a.agent_name ?? '-'}   Probe: ${a.probe_name ?? '-'} (${a.probe_type ?? '-'})   Target: ${a.probe_target ?? '-'}`,
      `Status: ${a.status}   Triggered: ${a.triggered_at}${a.resolved_at ? `   Resolved: ${a.resolved_at}` : ''}`,
    ];
    try {
      await this.mailer.sendMail({ from: this.config.alerts.emailFrom, to: rule.emailTo, subject: headline(n), text: lines.join('\n') });
      return { ok: true, status: 250 };
    } catch (e) {
      const err = e as { message?: string; responseCode?: number };
      return { ok: false, status: err.responseCode ?? null, error: `SMTP: ${String(err.message ?? e).slice(0, 300)}` };
    }
  }

  private async withNames(n: AlertNotification): Promise<AlertNotification> {
    const a = n.alert;
    const probe = a.probe_id ? (await this.subjects.probes(a.workspace_id, [a.probe_id])).get(a.probe_id) : undefined;
    const agent = a.agent_id ? (await this.subjects.agents(a.workspace_id, [a.agent_id])).get(a.agent_id) : undefined;
    return {
      ...n,
      alert: { ...a, probe_type: probe?.type ?? a.probe_type, probe_name: probe?.name ?? a.probe_name, agent_name: agent?.name ?? a.agent_name },
    };
  }
}
