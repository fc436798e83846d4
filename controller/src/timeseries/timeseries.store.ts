import type { ClickHouseClient } from '@clickhouse/client';

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
