import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/public.decorator';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

export interface ReadinessView {
  ok: boolean;
  postgres: { ok: boolean; error?: string };
  clickhouse: { ok: boolean };
}

@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly db: DataSource,
    private readonly store: TimeSeriesStore,
  ) {}

  /** Liveness: the process answers. Load balancers should use /readyz. */
  @Get('healthz')
  health(): { ok: true } {
    return { ok: true };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessView> {
    const postgres = await this.db
      .query('SELECT 1')
      .then(() => ({ ok: true }))
      .catch((e: Error) => ({ ok: false, error: e.message }));
    const clickhouse = { ok: await this.store.ping() };
    const ok = postgres.ok && clickhouse.ok;
    if (!ok) res.status(503);
    return { ok, postgres, clickhouse };
  }
}
