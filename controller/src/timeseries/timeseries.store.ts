import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { toTabSeparated } from './tab-separated';

export type QueryParams = Record<string, unknown>;

/**
 * The narrow surface the rest of the controller uses for time series. Parameters are always
 * bound server-side (`{name:Type}` placeholders), never concatenated into SQL.
 */
export class TimeSeriesStore {
  constructor(private readonly client: ClickHouseClient) {}

  async insert<Row extends object>(table: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({ table, values: rows as Row[], format: 'JSONEachRow' });
  }

  /**
   * The same as insert, encoded as TabSeparated, which the engine reads faster; for the hot
   * write path. Every column named must hold a string, number, boolean or null.
   */
  async insertTabSeparated<Row extends object>(table: string, columns: readonly (keyof Row & string)[], rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    // A byte stream, not an object stream: the client passes it through as the request body.
    const body = Readable.from([toTabSeparated(rows, columns)], { objectMode: false });
    const [first, ...rest] = columns;
    await this.client.insert({ table, values: body, format: 'TabSeparated', columns: [first, ...rest] });
  }

  async query<Row>(sql: string, params: QueryParams = {}): Promise<Row[]> {
    const result = await this.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    return result.json<Row>();
  }

  async command(sql: string, params: QueryParams = {}): Promise<void> {
    await this.client.command({ query: sql, query_params: params });
  }

  async ping(): Promise<boolean> {
    try {
      const rows = await this.query<{ ok: number }>('SELECT 1 AS ok');
      return rows[0]?.ok === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
