import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';
import { postgresMode } from './database/database.options';
import { timeSeriesMode } from './timeseries/clickhouse.client';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`configuration error: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const app = await createApp(config);
  await app.listen(config.port, config.host);
  const address = await app.getUrl();
  const logger = new Logger('Main');
  logger.log(
    { url: address, postgres: postgresMode(config), timeseries: timeSeriesMode(config), data_dir: config.dataDir },
    `NetWatcher controller listening on ${address.replace('[::1]', 'localhost')}`,
  );
}

main().catch((e: unknown) => {
  console.error('controller failed to start:', e);
  process.exit(1);
});
