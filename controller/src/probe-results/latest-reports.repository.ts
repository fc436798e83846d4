import { Injectable } from '@nestjs/common';
import { clickHouseTimeToIso } from '../timeseries/clickhouse-time';
import { TimeSeriesStore } from '../timeseries/timeseries.store';

/** Result types an agent reports about itself rather than about a target. */
export type AgentReportType = 'NETINFO' | 'SYSINFO';

export interface LatestReport {
  /** ISO 8601 UTC. */
  reportedAt: string;
  /** The stored payload as JSON text. */
  payload: string;
}

/**
 * "The latest NETINFO/SYSINFO of an agent", asked in this one place: the agent's report
 * endpoints and the peer addresses in AGENT probe configs both come through here.
 */
@Injectable()
export class LatestReportsRepository {
  constructor(private readonly store: TimeSeriesStore) {}

  /** The newest report of `type` per agent; agents that never reported are absent. */
  async latest(workspaceId: number, agentIds: readonly number[], type: AgentReportType): Promise<Map<number, LatestReport>> {
    const result = new Map<number, LatestReport>();
    if (agentIds.length === 0) return result;
    const rows = await this.store.query<{ agent: number | string; created_at_text: string; payload: string }>(
      `SELECT probe_agent_id AS agent, toString(created_at) AS created_at_text, payload
         FROM probe_results
        WHERE workspace_id = {w:UInt32} AND type = {t:String} AND probe_agent_id IN {ids:Array(UInt32)}
        ORDER BY created_at DESC
        LIMIT 1 BY probe_agent_id`,
      { w: workspaceId, t: type, ids: [...new Set(agentIds)] },
    );
    for (const row of rows) result.set(Number(row.agent), { reportedAt: clickHouseTimeToIso(row.created_at_text), payload: row.payload });
    return result;
  }
}
