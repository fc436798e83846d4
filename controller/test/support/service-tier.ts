import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamicModule, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiError } from '../../src/common/api-error';
import { createValidationPipe } from '../../src/common/validation';
import { AppConfig, loadConfig } from '../../src/config/config';
import { AuditModule } from '../../src/audit/audit.module';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { DomainEventBus } from '../../src/events/event-bus';
import { EventsModule } from '../../src/events/events.module';
import { TimeSeriesModule } from '../../src/timeseries/timeseries.module';
import { WorkspaceAccessModule } from '../../src/workspaces/workspace-access.module';
import { createTestDatabase, DbMode } from './test-app';

/**
 * The service tier: the feature modules under test with the real database (a fresh, migrated
 * PostgreSQL database or PGlite directory), the domain-event bus, workspace access and, when
 * asked, the real time-series store (chDB), as a Nest application context. No HTTP server, no
 * other features, no users registered through the API: a service test states its data with the
 * seed helpers below and calls services directly. Route-level concerns (authentication, the
 * error body, the cross-workspace matrix) stay in the HTTP tests.
 *
 * chDB allows one data directory per process: as with startTestApp, close one context that uses
 * the time-series store before starting the next.
 */
export interface ServiceTier {
  context: INestApplicationContext;
  config: AppConfig;
  db: DataSource;
  bus: DomainEventBus;
  /** Any provider of the modules under test, exported or not. */
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

export interface ServiceTierOptions {
  /** The ClickHouse/chDB store (features that read or write results need it). */
  timeSeries?: boolean;
  env?: Record<string, string>;
}

export async function startServiceTier(
  mode: DbMode,
  features: Array<Type<unknown> | DynamicModule>,
  options: ServiceTierOptions = {},
): Promise<ServiceTier> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nw-service-'));
  const database = mode === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NW_LOCAL_AGENT: '0',
    JWT_SECRET: 'test-secret-that-is-long-enough',
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });

  @Module({
    imports: [
      ConfigModule.forRoot(config),
      DatabaseModule,
      EventsModule,
      WorkspaceAccessModule,
      // Global, as in the app: every feature records its changes into the audit log.
      AuditModule,
      ...(options.timeSeries ? [TimeSeriesModule] : []),
      ...features,
    ],
  })
  class ServiceTierModule {}

  const context = await NestFactory.createApplicationContext(ServiceTierModule, { logger: false, abortOnError: false });
  return {
    context,
    config,
    db: context.get(DataSource),
    bus: context.get(DomainEventBus),
    get: <T>(type: Type<T>) => context.get(type, { strict: false }),
    async close() {
      await context.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A user row, as the auth feature would store it; no password hashing (nothing logs in here).
 * Test data only: features never write another feature's table.
 */
export async function seedUser(db: DataSource, name: string): Promise<number> {
  const email = `${name}-${Math.random().toString(36).slice(2, 10)}@example.test`;
  const [row] = await db.query('INSERT INTO users (email, password_hash, name) VALUES ($1, $2, $3) RETURNING id', [email, 'not-a-hash', name]);
  return Number(row.id);
}

/** A workspace owned by `ownerId`, who is its accepted OWNER, as POST /workspaces leaves it. */
export async function seedWorkspace(db: DataSource, ownerId: number, name = 'service test'): Promise<number> {
  const [ws] = await db.query('INSERT INTO workspaces (name, owner_id) VALUES ($1, $2) RETURNING id', [name, ownerId]);
  await seedMember(db, Number(ws.id), ownerId, 'OWNER');
  return Number(ws.id);
}

/** An accepted member of the workspace with `role`, as an accepted invitation leaves it. */
export async function seedMember(db: DataSource, workspaceId: number, userId: number, role: 'VIEWER' | 'USER' | 'ADMIN' | 'OWNER'): Promise<void> {
  await db.query(
    `INSERT INTO workspace_members (workspace_id, user_id, email, role, accepted_at)
     SELECT $1, id, email, $3, now() FROM users WHERE id = $2`,
    [workspaceId, userId, role],
  );
}

/**
 * The outcome of a service call in the shape HTTP tests assert on: `okStatus` and the value as
 * JSON would carry it, or the ApiError's status and `{ error, code, request_id }` body (what the
 * exception filter renders). Lets a test move to the service tier with its assertions unchanged.
 */
export async function asResponse(call: () => Promise<unknown>, okStatus = 200): Promise<{ status: number; body: any }> {
  try {
    const value = await call();
    return { status: okStatus, body: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { status: e.getStatus(), body: { error: e.message, code: e.code, request_id: 'service-tier' } };
  }
}

/**
 * The DTO a controller would receive: `input` (a query string or an object) through the app's
 * own validation pipe, so bad input fails here exactly as it does over HTTP (ApiError 400).
 */
export async function validated<T extends object>(type: Type<T>, input: string | Record<string, unknown>, kind: 'query' | 'body' = 'query'): Promise<T> {
  const plain = typeof input === 'string' ? Object.fromEntries(new URLSearchParams(input)) : input;
  return (await createValidationPipe().transform(plain, { type: kind, metatype: type })) as T;
}

/** Asserts that `call` fails with the ApiError an HTTP client would see as `status`/`code`/`error`. */
export async function expectServiceError(call: Promise<unknown>, status: number, code?: string, message?: RegExp): Promise<void> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  const api = error as ApiError;
  expect({ status: api.getStatus(), code: api.code, error: api.message }).toEqual({
    status,
    code: code ?? expect.any(String),
    error: message ? expect.stringMatching(message) : expect.any(String),
  });
}
