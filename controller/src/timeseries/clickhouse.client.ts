import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClickHouseClient, createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { AppConfig } from '../config/config';

/**
 * chdb types its connection against `@clickhouse/client-common`, which the client now bundles
 * as its own copy: structurally the same interface, nominally two. The runtime contract is the
 * one chdb documents for `createClient({ connection })`.
 */
type ClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/**
 * Settings both transports send, so results look the same whichever engine answers: without the
 * second, a server quotes 64-bit counts in JSON while chDB does not (counts stay far below 2^53).
 */
const CLIENT_SETTINGS = {
  date_time_input_format: 'best_effort',
  output_format_json_quote_64bit_integers: 0,
} as const;

export type TimeSeriesMode = 'clickhouse' | 'chdb';

export function timeSeriesMode(config: Pick<AppConfig, 'clickhouseUrl'>): TimeSeriesMode {
  return config.clickhouseUrl ? 'clickhouse' : 'chdb';
}

/**
 * One client API, two transports: HTTP to a ClickHouse server, or the same calls executed by
 * the in-process chDB engine (asynchronously, off the event loop).
 */
export function createClickHouseClient(config: Pick<AppConfig, 'clickhouseUrl' | 'dataDir'>): ClickHouseClient {
  if (config.clickhouseUrl) {
    return createClient({
      url: config.clickhouseUrl,
      request_timeout: 30_000,
      clickhouse_settings: CLIENT_SETTINGS,
    });
  }
  const path = join(config.dataDir, 'ch');
  mkdirSync(path, { recursive: true });
  return createClient({
    connection: createChdbConnection({ path }) as unknown as ClientConnection,
    clickhouse_settings: CLIENT_SETTINGS,
  });
}
