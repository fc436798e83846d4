import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { LatestReportsRepository, type AgentReportType } from '../probe-results/latest-reports.repository';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { AgentEntity } from './agent.entity';
import { findWorkspaceAgent } from './agent-lookup';

export type { AgentReportType };

/** The latest NETINFO/SYSINFO an agent reported; nulls until it has reported once. */
export interface AgentReportView {
  agent_id: number;
  reported_at: string | null;
  data: unknown;
}

@Injectable()
export class AgentReportsService {
  private readonly logger = new Logger(AgentReportsService.name);

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly access: WorkspaceAccessService,
    private readonly reports: LatestReportsRepository,
  ) {}

  async latest(userId: number, workspaceId: number, agentId: number, type: AgentReportType): Promise<AgentReportView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    await findWorkspaceAgent(this.agents, workspaceId, agentId);
    const report = (await this.reports.latest(workspaceId, [agentId], type)).get(agentId);
    if (!report) return { agent_id: agentId, reported_at: null, data: null };
    return { agent_id: agentId, reported_at: report.reportedAt, data: this.parse(report.payload, agentId, type) };
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
