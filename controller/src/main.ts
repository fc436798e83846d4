import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/config';
import { postgresMode } from './database/database.options';
import { LocalAgentService } from './local-agent/local-agent.service';
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
  if (config.localAgent) {
    // The agent dials the controller on loopback unless the controller is bound elsewhere.
    const port = new URL(address).port;
    const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
    await app.get(LocalAgentService).start(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  }
}

main().catch((e: unknown) => {
  console.error('controller failed to start:', e);
  process.exit(1);
});
