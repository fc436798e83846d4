import { Injectable } from '@nestjs/common';
import { TimeSeriesStore } from '../timeseries/timeseries.store';
import { PROBE_RESULT_COLUMNS, type ProbeResultRow } from './probe-result.row';

/** Write side of `probe_results`. */
@Injectable()
export class ProbeResultsRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  /**
   * Which of these rows' ids are already stored. The filter on the sorting-key columns and the
   * batch's time range lets ClickHouse read only the granules that could hold them.
   * Ids are compared as strings: `id IN {ids:Array(UUID)}` silently matches nothing on this
   * engine version (checked with chDB 3.4), which would turn de-duplication off. The text gets
   * an alias of its own so it never shadows the `id` column in WHERE.
   */
  async existingIds(rows: readonly ProbeResultRow[]): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const times = rows.map((r) => r.created_at).sort();
    const found = await this.store.query<{ id_text: string }>(
      `SELECT toString(id) AS id_text FROM probe_results
       WHERE workspace_id IN {workspaces:Array(UInt32)}
         AND probe_id IN {probes:Array(UInt32)}
         AND created_at BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')}
         AND toString(id) IN {ids:Array(String)}`,
      {
        workspaces: [...new Set(rows.map((r) => r.workspace_id))],
        probes: [...new Set(rows.map((r) => r.probe_id))],
        from: times[0],
        to: times[times.length - 1],
        ids: rows.map((r) => r.id),
      },
    );
    return new Set(found.map((r) => r.id_text));
  }

  /** The newest created_at stored, as ClickHouse time text; '' when nothing is stored. */
  async newestCreatedAt(): Promise<string> {
    const [row] = await this.store.query<{ n: number; newest_text: string }>(
      'SELECT count() AS n, toString(max(created_at)) AS newest_text FROM probe_results',
    );
    return row && Number(row.n) > 0 ? row.newest_text : '';
  }

  async insert(rows: readonly ProbeResultRow[]): Promise<void> {
    await this.store.insertTabSeparated('probe_results', PROBE_RESULT_COLUMNS, rows);
  }
}
