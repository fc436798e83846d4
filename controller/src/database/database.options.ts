import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import type { AppConfig } from '../config/config';
import { AgentEntity } from '../agents/agent.entity';
import { UserEntity } from '../auth/user.entity';
import { ProbeEntity } from '../probes/probe.entity';
import { MemberEntity } from '../workspaces/member.entity';
import { WorkspaceEntity } from '../workspaces/workspace.entity';
import { InitialSchema1763856000000 } from './migrations/1763856000000-InitialSchema';
import { ALERT_ENTITIES } from '../alerts/alert-entities';
import { Alerts1764400000000 } from '../alerts/migrations/1764400000000-Alerts';
import { withTransactionGate } from './pglite-transactions';

export const ENTITIES = [UserEntity, WorkspaceEntity, MemberEntity, AgentEntity, ProbeEntity, ...ALERT_ENTITIES];
export const MIGRATIONS = [InitialSchema1763856000000, Alerts1764400000000];

export type StorageMode = 'postgres' | 'pglite';

export function postgresMode(config: Pick<AppConfig, 'databaseUrl'>): StorageMode {
  return config.databaseUrl ? 'postgres' : 'pglite';
}

/**
 * The same entities and migrations serve both modes: PGlite *is* Postgres, so only the driver
 * differs. Migrations always run at start-up; TypeORM records them, so re-running is a no-op.
 */
export function buildDataSourceOptions(config: Pick<AppConfig, 'databaseUrl' | 'dataDir'>): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: ['error' as const],
  };
  if (config.databaseUrl) {
    return { ...common, url: config.databaseUrl, extra: { max: 10 } };
  }
  return { ...common, driver: withTransactionGate(new PGliteDriver({ dataDir: join(config.dataDir, 'pg') }).driver) };
}
