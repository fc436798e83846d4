import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TimeSeriesStore } from '../timeseries/timeseries.store';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AgentEntity } from './agent.entity';
import { findWorkspaceAgent } from './agent-lookup';

export type AgentReportType = 'NETINFO' | 'SYSINFO';

/** The latest NETINFO/SYSINFO an agent reported; nulls until it has reported once. */
export interface AgentReportView {
  agent_id: number;
  reported_at: string | null;
  data: unknown;
}

interface LatestRow {
  ts_ms: string | number;
  payload: string;
}

@Injectable()
export class AgentReportsService {
  private readonly logger = new Logger(AgentReportsService.name);

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly store: TimeSeriesStore,
  ) {}

  async latest(userId: number, workspaceId: number, agentId: number, type: AgentReportType): Promise<AgentReportView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    await findWorkspaceAgent(this.agents, workspaceId, agentId);
    const rows = await this.store.query<LatestRow>(
      `SELECT toUnixTimestamp64Milli(created_at) AS ts_ms, payload
         FROM probe_results
        WHERE workspace_id = {w:UInt32} AND probe_agent_id = {a:UInt32} AND type = {t:String}
        ORDER BY created_at DESC
        LIMIT 1`,
      { w: workspaceId, a: agentId, t: type },
    );
    const row = rows[0];
    if (!row) return { agent_id: agentId, reported_at: null, data: null };
    return { agent_id: agentId, reported_at: new Date(Number(row.ts_ms)).toISOString(), data: this.parse(row.payload, agentId, type) };
  }

  /** Payloads are validated JSON on ingest; a row that is not is shown raw rather than hidden. */
  private parse(payload: string, agentId: number, type: AgentReportType): unknown {
    try {
      return JSON.parse(payload) as unknown;
    } catch {
      this.logger.warn({ agent_id: agentId, type }, 'stored payload is not JSON');
      return payload;
    }
  }
}
