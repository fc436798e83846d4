import { Injectable } from '@nestjs/common';
import { MtrPayload, type MtrHop } from '@netwatcher/shared';
import { fromClickHouseTime, toClickHouseTime } from '../timeseries/clickhouse-time';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

/** One stored MTR result, reduced to what path analysis needs. */
export interface MtrObservation {
  probeId: number;
  agentId: number;
  target: string;
  /** The peer agent an AGENT probe measured towards, null for a host target. */
  targetAgent: number | null;
  createdAt: Date;
  hops: MtrHop[];
}

export interface MtrRange {
  from?: Date;
  to?: Date;
}

interface MtrRow {
  probe_id: number | string;
  agent_id: number | string;
  target: string;
  target_agent: number | string;
  created_at_text: string;
  payload: string;
}

/** Bounds: a map never reads more than this many results, a path history never more than this. */
export const MAX_MAP_RESULTS = 1_000;
export const MAX_HISTORY_RESULTS = 20_000;

/**
 * Read side of `probe_results` for MTR hop lists (network map, path history). Rows whose
 * payload does not parse as an MTR payload are skipped: an unreadable old row must not take
 * the whole map down.
 */
@Injectable()
export class MtrPathsRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  /** The newest MTR result of each (probe, target) in the range, optionally of one measuring agent. */
  async latestPerPath(workspaceId: number, range: MtrRange & { agentId?: number }, limit = MAX_MAP_RESULTS): Promise<MtrObservation[]> {
    const { where, params } = scope(workspaceId, range);
    const agent = range.agentId === undefined ? '' : ' AND agent_id = {agentId:UInt32}';
    const rows = await this.store.query<MtrRow>(
      `SELECT probe_id, agent_id, target, target_agent, toString(created_at) AS created_at_text, payload
         FROM probe_results WHERE ${where}${agent}
        ORDER BY created_at DESC, id DESC
        LIMIT 1 BY probe_id, target
        LIMIT {limit:UInt32}`,
      { ...params, ...(range.agentId === undefined ? {} : { agentId: range.agentId }), limit },
    );
    return observations(rows);
  }

  /**
   * Up to `perPath` newest MTR results of each (probe, target) in the range, optionally of one
   * measuring agent, oldest first (the shared-hop analysis: a window and its baseline).
   */
  async recentPerPath(workspaceId: number, range: MtrRange & { agentId?: number }, perPath: number, limit = MAX_HISTORY_RESULTS): Promise<MtrObservation[]> {
    const { where, params } = scope(workspaceId, range);
    const agent = range.agentId === undefined ? '' : ' AND agent_id = {agentId:UInt32}';
    const rows = await this.store.query<MtrRow>(
      `SELECT probe_id, agent_id, target, target_agent, toString(created_at) AS created_at_text, payload
         FROM probe_results WHERE ${where}${agent}
        ORDER BY created_at DESC, id DESC
        LIMIT {perPath:UInt32} BY probe_id, target
        LIMIT {limit:UInt32}`,
      { ...params, ...(range.agentId === undefined ? {} : { agentId: range.agentId }), perPath, limit },
    );
    return observations(rows).reverse();
  }

  /** Every MTR result of one probe and target in the range, oldest first (bounded). */
  async history(workspaceId: number, probeId: number, target: string, range: MtrRange, limit = MAX_HISTORY_RESULTS): Promise<MtrObservation[]> {
    const { where, params } = scope(workspaceId, range);
    const rows = await this.store.query<MtrRow>(
      `SELECT probe_id, agent_id, target, target_agent, toString(created_at) AS created_at_text, payload
         FROM probe_results WHERE ${where} AND probe_id = {probeId:UInt32} AND target = {target:String}
        ORDER BY created_at DESC, id DESC
        LIMIT {limit:UInt32}`,
      { ...params, probeId, target, limit },
    );
    return observations(rows).reverse();
  }
}

function scope(workspaceId: number, range: MtrRange): { where: string; params: Record<string, unknown> } {
  const clauses = ['workspace_id = {workspaceId:UInt32}', "type = 'MTR'"];
  const params: Record<string, unknown> = { workspaceId };
  if (range.from) {
    clauses.push("created_at >= {from:DateTime64(3, 'UTC')}");
    params.from = toClickHouseTime(range.from);
  }
  if (range.to) {
    clauses.push("created_at <= {to:DateTime64(3, 'UTC')}");
    params.to = toClickHouseTime(range.to);
  }
  return { where: clauses.join(' AND '), params };
}

function observations(rows: MtrRow[]): MtrObservation[] {
  const out: MtrObservation[] = [];
  for (const row of rows) {
    let parsed: ReturnType<typeof MtrPayload.safeParse>;
    try {
      parsed = MtrPayload.safeParse(JSON.parse(row.payload));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    out.push({
      probeId: Number(row.probe_id),
      agentId: Number(row.agent_id),
      target: row.target,
      targetAgent: Number(row.target_agent) || null,
      createdAt: fromClickHouseTime(row.created_at_text),
      hops: parsed.data.hops,
    });
  }
  return out;
}
