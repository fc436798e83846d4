import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AlertEntity } from './alert.entity';

/** Alerts of one severity triggered in a range, and how fast people answered them. */
export interface AlertSeverityStatistics {
  severity: string;
  count: number;
  acknowledged: number;
  resolved: number;
  still_active: number;
  /** Seconds from triggered to acknowledged, over the acknowledged ones; null when none. */
  mean_seconds_to_acknowledge: number | null;
  median_seconds_to_acknowledge: number | null;
  /** Seconds from triggered to resolved (auto or by hand), over the resolved ones. */
  mean_seconds_to_resolve: number | null;
  median_seconds_to_resolve: number | null;
}

/** Read-only figures over the alerts table for reports; computed in SQL, scoped to one workspace. */
@Injectable()
export class AlertStatistics {
  constructor(@InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>) {}

  async bySeverity(workspaceId: number, from: Date, to: Date): Promise<AlertSeverityStatistics[]> {
    const rows = await this.alerts.query(
      `WITH a AS (
         SELECT severity, status,
                EXTRACT(EPOCH FROM acknowledged_at - triggered_at) AS ack_s,
                EXTRACT(EPOCH FROM resolved_at - triggered_at) AS res_s
           FROM alerts WHERE workspace_id = $1 AND triggered_at >= $2 AND triggered_at < $3)
       SELECT severity,
              count(*)::int AS count,
              count(ack_s)::int AS acknowledged,
              count(res_s)::int AS resolved,
              (count(*) FILTER (WHERE status <> 'resolved'))::int AS still_active,
              round(avg(ack_s)::numeric, 1)::float8 AS mean_seconds_to_acknowledge,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ack_s))::numeric, 1)::float8 AS median_seconds_to_acknowledge,
              round(avg(res_s)::numeric, 1)::float8 AS mean_seconds_to_resolve,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY res_s))::numeric, 1)::float8 AS median_seconds_to_resolve
         FROM a GROUP BY severity ORDER BY severity`,
      [workspaceId, from, to],
    );
    return rows as AlertSeverityStatistics[];
  }
}
