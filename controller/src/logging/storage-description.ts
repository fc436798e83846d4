import { join } from 'node:path';
import type { AppConfig } from '../config/config';

export type StorageDescription = { engine: 'pglite' | 'chdb'; path: string } | { engine: 'postgres' | 'clickhouse'; server: string };

/** Where a server URL points, without its user name and password. */
function serverOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

/** What the operator needs to know about storage at start-up; never carries a password. */
export function describeStorage(config: Pick<AppConfig, 'databaseUrl' | 'clickhouseUrl' | 'dataDir'>): {
  postgres: StorageDescription;
  timeseries: StorageDescription;
} {
  return {
    postgres: config.databaseUrl ? { engine: 'postgres', server: serverOf(config.databaseUrl) } : { engine: 'pglite', path: join(config.dataDir, 'pg') },
    timeseries: config.clickhouseUrl ? { engine: 'clickhouse', server: serverOf(config.clickhouseUrl) } : { engine: 'chdb', path: join(config.dataDir, 'ch') },
  };
}
