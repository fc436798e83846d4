import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { createApp } from './app.factory';
import { type AppConfig, ConfigError, loadConfig } from './config/config';
import { LocalAgentService } from './local-agent/local-agent.service';
import { adminCredentialsFile } from './local-agent/local-agent.state';
import { createBootLogger } from './logging/boot-logger';
import { describeStorage } from './logging/storage-description';
import { listenFailure } from './logging/listen-failure';

/** Exit code for anything the operator must fix in the settings; systemd should not loop on it. */
const EXIT_CONFIG = 2;

function loadOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // LOG_LEVEL itself may be what is wrong, so this line is written whatever the level.
    createBootLogger().fatal({ setting: e.setting }, `configuration error: ${e.message}`);
    process.exit(EXIT_CONFIG);
  }
}

/** Where the operator finds the first administrator's password, or how to get one. */
function adminHint(config: AppConfig): { admin_credentials: string | null; hint: string } {
  const file = adminCredentialsFile(config.dataDir);
  if (existsSync(file)) return { admin_credentials: file, hint: `admin credentials are in ${file}` };
  if (config.localAgent) return { admin_credentials: file, hint: `admin credentials will be written to ${file} on this first start` };
  return { admin_credentials: null, hint: 'no local administrator (NW_LOCAL_AGENT=0): register the first user with POST /auth/register' };
}

async function listen(app: INestApplication, config: AppConfig): Promise<AddressInfo> {
  try {
    await app.listen(config.port, config.host);
  } catch (e) {
    const failure = listenFailure(e, config);
    const log = createBootLogger();
    log.fatal({ setting: failure.setting, code: failure.code }, failure.message);
    await app.close().catch(() => undefined);
    process.exit(failure.exitCode);
  }
  return (app.getHttpServer() as Server).address() as AddressInfo;
}

async function main(): Promise<void> {
  const config = loadOrExit();
  const boot = createBootLogger(config.logLevel);
  const admin = adminHint(config);
  boot.info({ data_dir: config.dataDir, ...describeStorage(config), admin_credentials: admin.admin_credentials }, `NetWatcher controller starting; ${admin.hint}`);

  const app = await createApp(config);
  const bound = await listen(app, config);
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  const scheme = config.tls ? 'https' : 'http';
  boot.info({ bind_address: bound.address, port: bound.port, tls: Boolean(config.tls), ...describeStorage(config) }, `NetWatcher controller listening on ${scheme}://${host}:${bound.port}`);
  if (config.localAgent) {
    // The agent dials the controller on loopback unless the controller is bound elsewhere.
    // With TLS on, the certificate must be valid for that address for the agent to trust it.
    const dial = ['0.0.0.0', '::', ''].includes(bound.address) ? '127.0.0.1' : bound.address;
    await app.get(LocalAgentService).start(`${scheme}://${dial.includes(':') ? `[${dial}]` : dial}:${bound.port}`);
  }
}

main().catch((e: unknown) => {
  createBootLogger().fatal({ err: e }, 'controller failed to start');
  process.exit(1);
});
