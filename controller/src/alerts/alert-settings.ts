/** Alert delivery settings (README "Alerts"); part of the validated AppConfig. */
export interface AlertSettings {
  /** Let webhooks reach loopback, link-local and cloud-metadata addresses (off: SSRF guard). */
  webhookAllowPrivileged: boolean;
  webhookTimeoutMs: number;
  /** Attempts per notification before it goes to the dead-letter list. */
  notifyMaxAttempts: number;
  /** First retry delay; each further one doubles, capped at an hour. */
  notifyRetryBaseMs: number;
  /** How often the outbox worker looks for due notifications. */
  workerIntervalMs: number;
  /** `smtp://user:pass@host:port` or `smtps://…`; unset: e-mail rules are refused. */
  smtpUrl?: string;
  emailFrom: string;
  /** How often `agent_offline` rules are checked. */
  offlineSweepMs: number;
}
