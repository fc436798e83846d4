import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { writeReturning } from '../database/sql-rows';

const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * Drops entries older than AUDIT_RETENTION_DAYS. Only a prefix of each chain goes, and never its
 * newest entry, so the kept part still verifies from its oldest entry on and the next entry
 * still links to the last one written.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditRetention.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.auditRetentionDays === 0) return;
    const run = (): void =>
      void this.prune().catch((err: unknown) => this.logger.error({ err }, 'audit pruning failed'));
    run();
    this.timer = setInterval(run, PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Returns how many entries were dropped. */
  async prune(): Promise<number> {
    const days = this.config.auditRetentionDays;
    if (days === 0) return 0;
    const removed = await writeReturning<{ id: string }>(
      this.db.manager,
      `WITH expired AS (
         SELECT COALESCE(workspace_id, 0) AS chain, max(seq) AS upto
           FROM audit_entries WHERE at < now() - make_interval(days => $1) GROUP BY 1
       )
       DELETE FROM audit_entries e USING expired x
        WHERE COALESCE(e.workspace_id, 0) = x.chain AND e.seq <= x.upto
          AND e.seq < (SELECT max(h.seq) FROM audit_entries h WHERE COALESCE(h.workspace_id, 0) = x.chain)
       RETURNING e.id`,
      [days],
    );
    if (removed.length > 0)
      this.logger.log({ removed: removed.length, retention_days: days }, 'old audit entries pruned');
    return removed.length;
  }
}
