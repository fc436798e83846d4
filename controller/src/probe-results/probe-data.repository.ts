import { Injectable } from '@nestjs/common';
import { TimeSeriesStore } from '../timeseries/timeseries.store';
import { toClickHouseTime } from '../timeseries/clickhouse-time';
import { ProbeDataRow, ProbeDataView, toProbeDataView } from './stored-result';

export interface ProbeDataFilter {
  workspaceId: number;
  type?: string;
  types?: string[];
  probeId?: number;
  probeIds?: number[];
  agentId?: number;
  probeAgentId?: number;
  targetAgent?: number;
  target?: string;
  targetPrefix?: string;
  triggered?: boolean;
  from?: Date;
  to?: Date;
  /** Only these result ids (a run's results). */
  ids?: string[];
}

export interface PageOptions {
  limit: number;
  offset?: number;
  asc?: boolean;
  /** One row per probe: its newest. */
  latestPerProbe?: boolean;
}

/**
 * Text forms get aliases of their own: ClickHouse lets a SELECT alias shadow the column of the
 * same name in WHERE and ORDER BY, so `toString(created_at) AS created_at` would turn the time
 * filters into string comparisons (and fail).
 */
const COLUMNS = `toString(id) AS id_text, workspace_id, probe_id, agent_id, probe_agent_id, type, target, target_agent,
  triggered, triggered_reason, toString(created_at) AS created_at_text, toString(received_at) AS received_at_text,
  loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, jitter_ms, download_mbps, upload_mbps, mos, payload`;

/**
 * Read side of `probe_results`. Every query starts with the workspace, which is also the first
 * column of the sorting key: scoping is both the security rule and the fast path.
 */
@Injectable()
export class ProbeDataRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  async find(filter: ProbeDataFilter, page: PageOptions): Promise<ProbeDataView[]> {
    const { where, params } = this.where(filter);
    const order = page.asc ? 'ASC' : 'DESC';
    const perProbe = page.latestPerProbe ? 'LIMIT 1 BY probe_id' : '';
    const rows = await this.store.query<ProbeDataRow>(
      `SELECT ${COLUMNS} FROM probe_results WHERE ${where}
       ORDER BY created_at ${order}, id ${order} ${perProbe}
       LIMIT {limit:UInt32} OFFSET {offset:UInt32}`,
      { ...params, limit: page.limit, offset: page.offset ?? 0 },
    );
    return rows.map(toProbeDataView);
  }

  async count(filter: ProbeDataFilter): Promise<number> {
    const { where, params } = this.where(filter);
    const rows = await this.store.query<{ n: string | number }>(`SELECT count() AS n FROM probe_results WHERE ${where}`, params);
    return Number(rows[0]?.n ?? 0);
  }

  /** Fixed SQL fragments with bound parameters: no caller text is ever part of the SQL. */
  private where(f: ProbeDataFilter): { where: string; params: Record<string, unknown> } {
    const clauses = ['workspace_id = {workspaceId:UInt32}'];
    const params: Record<string, unknown> = { workspaceId: f.workspaceId };
    const add = (clause: string, name: string, value: unknown) => {
      if (value === undefined) return;
      clauses.push(clause);
      params[name] = value;
    };
    add('type = {type:String}', 'type', f.type);
    add('type IN {types:Array(String)}', 'types', f.types);
    add('probe_id = {probeId:UInt32}', 'probeId', f.probeId);
    add('probe_id IN {probeIds:Array(UInt32)}', 'probeIds', f.probeIds);
    add('agent_id = {agentId:UInt32}', 'agentId', f.agentId);
    add('probe_agent_id = {probeAgentId:UInt32}', 'probeAgentId', f.probeAgentId);
    add('target_agent = {targetAgent:UInt32}', 'targetAgent', f.targetAgent);
    add('target = {target:String}', 'target', f.target);
    add('startsWith(target, {targetPrefix:String})', 'targetPrefix', f.targetPrefix);
    add('triggered = {triggered:Bool}', 'triggered', f.triggered);
    add("created_at >= {from:DateTime64(3, 'UTC')}", 'from', f.from && toClickHouseTime(f.from));
    add("created_at <= {to:DateTime64(3, 'UTC')}", 'to', f.to && toClickHouseTime(f.to));
    // As text: `id IN {…:Array(UUID)}` matches nothing on this engine (see ProbeResultsRepository).
    add('toString(id) IN {ids:Array(String)}', 'ids', f.ids);
    return { where: clauses.join(' AND '), params };
  }
}
