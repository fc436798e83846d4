import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TimeSeriesStore } from './timeseries.store';

export interface ClickHouseMigration {
  version: number;
  name: string;
  statements: string[];
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Statements end with `;` at the end of a line; comments are dropped so they cannot hide one. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function loadMigrations(dir: string): ClickHouseMigration[] {
  return readdirSync(dir)
    .map((file) => ({ file, match: FILE_PATTERN.exec(file) }))
    .filter((f): f is { file: string; match: RegExpExecArray } => f.match !== null)
    .map(({ file, match }) => ({
      version: Number(match[1]),
      name: match[2],
      statements: splitStatements(readFileSync(join(dir, file), 'utf8')),
    }))
    .sort((a, b) => a.version - b.version);
}

/**
 * Applies numbered migrations once each. A file is recorded only after its last statement, so a
 * crash part-way re-runs the whole file: every file must reach the same state when re-run from
 * the top after any of its statements (IF [NOT] EXISTS, or as 0004 does: a scratch table
 * dropped before it is filled, the live table complete at every step).
 */
export async function migrateClickHouse(store: TimeSeriesStore, dir: string): Promise<number[]> {
  await store.command(`
    CREATE TABLE IF NOT EXISTS schema_migrations
    (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
    ENGINE = ReplacingMergeTree ORDER BY version`);
  const applied = new Set(
    (await store.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
  );
  const newlyApplied: number[] = [];
  for (const migration of loadMigrations(dir)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements) await store.command(statement);
    await store.insert('schema_migrations', [{ version: migration.version, name: migration.name }]);
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
