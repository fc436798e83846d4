import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { createClickHouseClient, timeSeriesMode } from './clickhouse.client';
import { migrateClickHouse } from './clickhouse.migrator';
import { TimeSeriesStore } from './timeseries.store';

export const CLICKHOUSE_MIGRATIONS_DIR = join(__dirname, 'migrations');

@Global()
@Module({
  providers: [
    {
      provide: TimeSeriesStore,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<TimeSeriesStore> => {
        const store = new TimeSeriesStore(createClickHouseClient(config));
        const applied = await migrateClickHouse(store, CLICKHOUSE_MIGRATIONS_DIR);
        new Logger('TimeSeries').log({ mode: timeSeriesMode(config), applied }, 'time-series store ready');
        return store;
      },
    },
  ],
  exports: [TimeSeriesStore],
})
export class TimeSeriesModule implements OnApplicationShutdown {
  constructor(@Inject(TimeSeriesStore) private readonly store: TimeSeriesStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
