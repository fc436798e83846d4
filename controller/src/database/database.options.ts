import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import type { AppConfig } from '../config/config';
import { InitialSchema1763856000000 } from './migrations/1763856000000-InitialSchema';
import { ViewerRole1764460800000 } from './migrations/1764460800000-ViewerRole';
import { AuthSessions1764547200000 } from './migrations/1764547200000-AuthSessions';
import { AgentUpdatePolicies1764400000000 } from './migrations/1764400000000-AgentUpdatePolicies';
import { Alerts1764720000000 } from './migrations/1764720000000-Alerts';
import { ApiTokens1764806400000 } from './migrations/1764806400000-ApiTokens';
import { AuditLog1764979200000 } from './migrations/1764979200000-AuditLog';
import { ProbeRuns1765036800000 } from './migrations/1765036800000-ProbeRuns';
import { RouteHistory1765040000000 } from './migrations/1765040000000-RouteHistory';
import { withTransactionGate } from './pglite-transactions';
import { TypeOrmLogger } from './typeorm.logger';

export const MIGRATIONS = [
  InitialSchema1763856000000,
  AgentUpdatePolicies1764400000000,
  ViewerRole1764460800000,
  AuthSessions1764547200000,
  Alerts1764720000000,
  ApiTokens1764806400000,
  AuditLog1764979200000,
  ProbeRuns1765036800000,
  RouteHistory1765040000000,
];

export type StorageMode = 'postgres' | 'pglite';

export function postgresMode(config: Pick<AppConfig, 'databaseUrl'>): StorageMode {
  return config.databaseUrl ? 'postgres' : 'pglite';
}

/**
 * The same entities and migrations serve both modes: PGlite *is* Postgres, so only the driver
 * differs. Migrations always run at start-up; TypeORM records them, so re-running is a no-op.
 * Entities: in the app each feature module registers its own (TypeOrmModule.forFeature, picked
 * up by autoLoadEntities); the migration CLI passes the full list (controller/src/data-source.ts).
 */
export function buildDataSourceOptions(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>,
  entities: NonNullable<DataSourceOptions['entities']> = [],
): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: ['error' as const, 'warn' as const, 'migration' as const],
    logger: new TypeOrmLogger(),
  };
  if (config.databaseUrl) {
    return { ...common, url: config.databaseUrl, extra: { max: 10 } };
  }
  return { ...common, driver: withTransactionGate(new PGliteDriver({ dataDir: join(config.dataDir, 'pg') }).driver) };
}
