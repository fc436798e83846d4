import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Listeners } from '../../common/listeners';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/config';
import { AlertRuleEntity } from '../alert-rule.entity';
import { NotificationEntity } from '../alert.entity';
import { NotificationSender } from './notification-sender';
import { nextRetryDelayMs, RetryPolicy } from './retry-schedule';
import type { AlertNotification } from './webhook-templates';

/**
 * How long a claimed row stays claimed: a replica that dies mid-send leaves it to another (or to
 * itself after a restart) once this has passed. It outlasts the slowest send this replica can make
 * (an SMTP exchange has three timeouts of ALERT_WEBHOOK_TIMEOUT_MS each) plus a margin, so a row
 * whose send is still running is never claimed twice.
 */
export function claimLeaseSeconds(sendTimeoutMs: number): number {
  return Math.ceil((3 * sendTimeoutMs) / 1000) + 5;
}
const BATCH = 20;

/** What became of one delivery attempt: delivered, to be retried, or given up (dead letter). */
export type DeliveryOutcome = 'sent' | 'retry' | 'dead';

export interface DeliveryAttempt {
  channel: 'webhook' | 'email';
  outcome: DeliveryOutcome;
}

interface ClaimedRow {
  id: string;
  rule_id: number | null;
  channel: 'webhook' | 'email';
  payload: AlertNotification;
  attempts: number;
}

/**
 * Sends the outbox. Claiming bumps `attempts` and leases the row in one statement (FOR UPDATE
 * SKIP LOCKED, so replicas share the work), which records every attempt even if the process
 * dies during the send; the row is then retried after the lease, with backoff after a failure,
 * and goes to the dead-letter list (status `dead`) after the last attempt.
 */
@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationWorker.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly attempts = new Listeners<DeliveryAttempt>(NotificationWorker.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sender: NotificationSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.alerts.workerIntervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Watch every delivery attempt's outcome (metrics); returns the function that stops watching. */
  watch(listener: (attempt: DeliveryAttempt) => void): () => void {
    return this.attempts.add(listener);
  }

  private get policy(): RetryPolicy {
    return { maxAttempts: this.config.alerts.notifyMaxAttempts, baseDelayMs: this.config.alerts.notifyRetryBaseMs, maxDelayMs: 3_600_000 };
  }

  /** One pass over what is due; never two at once in this process. Exposed for tests. */
  tick(): Promise<void> {
    if (this.stopped) return this.running;
    this.running = this.running.then(() => this.drain()).catch((e: unknown) => this.logger.error({ err: e }, 'notification pass failed'));
    return this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((row) => this.deliver(row)));
      if (this.stopped || claimed.length < BATCH) return;
    }
  }

  private claim(): Promise<ClaimedRow[]> {
    // Wrapped in a CTE so the statement is a SELECT: TypeORM returns [rows, count] for a bare UPDATE.
    return this.db.query<ClaimedRow[]>(
      `WITH claimed AS (
       UPDATE notification_outbox
          SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM notification_outbox
                      WHERE status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, rule_id, channel, payload, attempts)
       SELECT * FROM claimed ORDER BY id`,
      [BATCH, claimLeaseSeconds(this.config.alerts.webhookTimeoutMs)],
    );
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const rule = row.rule_id === null ? null : await this.db.getRepository(AlertRuleEntity).findOne({ where: { id: row.rule_id } });
    const outcome = rule
      ? await this.sender.send(row.channel, rule, row.payload, String(row.id))
      : { ok: false as const, status: null, error: 'the rule was deleted' };
    const repo = this.db.getRepository(NotificationEntity);
    if (outcome.ok) {
      await repo.update({ id: row.id }, { status: 'sent', sentAt: new Date(), lastStatus: outcome.status, lastError: null });
      this.attempts.notify({ channel: row.channel, outcome: 'sent' });
      return;
    }
    const delay = rule ? nextRetryDelayMs(row.attempts, this.policy) : null;
    const dead = delay === null;
    await repo.update(
      { id: row.id },
      {
        status: dead ? 'dead' : 'pending',
        lastError: outcome.error,
        lastStatus: outcome.status,
        nextAttemptAt: new Date(Date.now() + (delay ?? 0)),
      },
    );
    this.attempts.notify({ channel: row.channel, outcome: dead ? 'dead' : 'retry' });
    this.logger.warn(
      { notification_id: row.id, channel: row.channel, attempt: row.attempts, status: outcome.status, error: outcome.error, dead },
      dead ? 'notification moved to the dead-letter list' : 'notification failed; will retry',
    );
  }
}
