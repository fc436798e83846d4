import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ALERT_STATUSES, AlertEntity, AlertStatus } from './alert.entity';

/** How many alerts are in each status, over every workspace: for monitoring the monitor. */
@Injectable()
export class AlertCensus {
  constructor(@InjectRepository(AlertEntity) private readonly alerts: Repository<AlertEntity>) {}

  async countByStatus(): Promise<Record<AlertStatus, number>> {
    const rows = await this.alerts
      .createQueryBuilder('a')
      .select('a.status', 'status')
      .addSelect('count(*)::int', 'n')
      .groupBy('a.status')
      .getRawMany<{ status: AlertStatus; n: number }>();
    const counts = Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
    for (const row of rows) if (row.status in counts) counts[row.status] = Number(row.n);
    return counts;
  }
}
