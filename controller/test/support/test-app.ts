import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/config';

export type DbMode = 'postgres' | 'pglite';

const ALL_DB_MODES: readonly DbMode[] = ['postgres', 'pglite'];

/**
 * The databases a suite runs on: both by default, since every feature must behave the same on
 * PostgreSQL and on embedded PGlite. `TEST_DATABASES=pglite` (comma-separated) narrows a local
 * run to one of them; an unknown name fails loudly rather than silently running nothing.
 */
export function testDatabases(env: NodeJS.ProcessEnv = process.env): DbMode[] {
  const wanted = env.TEST_DATABASES?.split(',').map((m) => m.trim()).filter(Boolean);
  if (!wanted?.length) return [...ALL_DB_MODES];
  const unknown = wanted.filter((m) => !(ALL_DB_MODES as readonly string[]).includes(m));
  if (unknown.length) throw new Error(`TEST_DATABASES: unknown database ${unknown.join(', ')} (use ${ALL_DB_MODES.join(', ')})`);
  return wanted as DbMode[];
}

/** Runs `suite` once per database (see testDatabases), titled "<title> on postgres" / "on pglite". */
export function describeOnEachDatabase(title: string, suite: (mode: DbMode) => void): void {
  describe.each<DbMode>(testDatabases())(`${title} on %s`, suite);
}

/** The machine's PostgreSQL (trust auth). Each test app gets a database of its own. */
export const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestApp {
  app: INestApplication;
  url: string;
  config: AppConfig;
  close(): Promise<void>;
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `nw_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Starts the real app (the same factory main.ts uses) on an ephemeral port with a fresh
 * Postgres database or a fresh PGlite directory, and a fresh chDB directory. chDB allows one
 * data directory per process, so apps inside one test process must not overlap in time:
 * close one before starting the next (tests that need two live controllers spawn processes).
 */
export async function startTestApp(mode: DbMode = 'postgres', env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-test-'));
  const database = mode === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NW_LOCAL_AGENT: '0',
    JWT_SECRET: 'test-secret-that-is-long-enough',
    // Most suites register their users freely; registration modes have tests of their own.
    REGISTRATION: 'open',
    // Hop names would send PTR queries for the map's addresses to the machine's resolver: off
    // unless a suite turns them on against its DNS stub.
    NETWORK_MAP_HOP_NAMES: '0',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...env,
  });
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    config,
    async close() {
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
