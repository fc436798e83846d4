import { Injectable } from '@nestjs/common';
import { CHARTABLE_PROBE_TYPES, PROBE_TYPES } from '@netwatcher/shared';
import { AgentDirectory } from '../agents/agent-directory.service';
import { AlertStatistics, type AlertSeverityStatistics } from '../alerts/alert-statistics.service';
import { ProbeDirectory } from '../probes/probe-directory.service';
import type { ProbeView } from '../probes/probe.view';
import { ProbeReportRepository, type SlaFigures, type SlaGrouping } from '../probe-results/probe-report.repository';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';

export interface ReportHeader {
  workspace: { id: number; name: string };
  /** Whole hours, `to` exclusive. */
  from: string;
  to: string;
  generated_at: string;
}

export interface SlaReportRow extends SlaFigures {
  probe_id: number | null;
  probe_name: string | null;
  agent_id: number | null;
  agent_name: string | null;
  target: string | null;
}

export interface SlaReport extends ReportHeader {
  group_by: SlaGrouping;
  target_latency_ms: number;
  rows: SlaReportRow[];
}

export interface AlertReport extends ReportHeader {
  total: number;
  by_severity: AlertSeverityStatistics[];
}

export interface OverviewReport extends ReportHeader {
  agents: number;
  probes_by_type: Record<string, number>;
  alerts: { total: number; still_active: number };
  availability_by_agent: SlaReportRow[];
  target_latency_ms: number;
}

/** How a probe is called in a report: its `name` label, else its type and targets. */
function probeName(p: ProbeView): string {
  const label = p.labels?.name;
  return typeof label === 'string' && label !== '' ? label : `${p.type} ${p.targets.join(', ')}`.trim();
}

/**
 * Availability, latency and alert reports of one workspace over whole hours. The figures are
 * computed by the stores (ClickHouse rollups, PostgreSQL); this service only names what they
 * computed. Any member may read them.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly access: WorkspaceAccessService,
    private readonly probes: ProbeDirectory,
    private readonly agents: AgentDirectory,
    private readonly figures: ProbeReportRepository,
    private readonly alerts: AlertStatistics,
  ) {}

  async sla(userId: number, workspaceId: number, range: { from: Date; to: Date }, groupBy: SlaGrouping, targetLatencyMs: number): Promise<SlaReport> {
    const header = await this.header(userId, workspaceId, range);
    return { ...header, group_by: groupBy, target_latency_ms: targetLatencyMs, rows: await this.slaRows(workspaceId, range, groupBy, targetLatencyMs) };
  }

  async alertSummary(userId: number, workspaceId: number, range: { from: Date; to: Date }): Promise<AlertReport> {
    const header = await this.header(userId, workspaceId, range);
    const bySeverity = await this.alerts.bySeverity(workspaceId, range.from, range.to);
    return { ...header, total: bySeverity.reduce((n, s) => n + s.count, 0), by_severity: bySeverity };
  }

  async overview(userId: number, workspaceId: number, range: { from: Date; to: Date }, targetLatencyMs: number): Promise<OverviewReport> {
    const header = await this.header(userId, workspaceId, range);
    const [agents, probes, alerts, availability] = await Promise.all([
      this.agents.allLiveAgentIds(workspaceId),
      this.probes.allOfTypes(workspaceId, PROBE_TYPES),
      this.alerts.bySeverity(workspaceId, range.from, range.to),
      this.slaRows(workspaceId, range, 'agent', targetLatencyMs),
    ]);
    const probesByType: Record<string, number> = {};
    for (const p of probes) probesByType[p.type] = (probesByType[p.type] ?? 0) + 1;
    return {
      ...header,
      target_latency_ms: targetLatencyMs,
      agents: agents.length,
      probes_by_type: probesByType,
      alerts: { total: alerts.reduce((n, s) => n + s.count, 0), still_active: alerts.reduce((n, s) => n + s.still_active, 0) },
      availability_by_agent: availability,
    };
  }

  private async header(userId: number, workspaceId: number, range: { from: Date; to: Date }): Promise<ReportHeader> {
    const { workspace } = await this.access.require(userId, workspaceId, 'VIEWER');
    return { workspace: { id: workspace.id, name: workspace.name }, from: range.from.toISOString(), to: range.to.toISOString(), generated_at: new Date().toISOString() };
  }

  private async slaRows(workspaceId: number, range: { from: Date; to: Date }, groupBy: SlaGrouping, targetLatencyMs: number): Promise<SlaReportRow[]> {
    const probes = await this.probes.allOfTypes(workspaceId, CHARTABLE_PROBE_TYPES);
    const probeById = new Map(probes.map((p) => [p.id, p]));
    const agentName = new Map((await this.agents.summaries(workspaceId)).map((a) => [a.id, a.name]));
    const rows = await this.figures.sla({
      workspaceId,
      probes: probes.map((p) => ({ id: p.id, agentId: p.agent_id })),
      from: range.from,
      to: range.to,
      targetLatencyMs,
      groupBy,
    });
    return rows.map(({ key, target, ...figures }) => {
      const probe = groupBy === 'probe' ? probeById.get(key) : undefined;
      const agentId = groupBy === 'agent' ? key : (probe?.agent_id ?? null);
      return {
        probe_id: probe?.id ?? null,
        probe_name: probe ? probeName(probe) : null,
        agent_id: agentId,
        agent_name: agentId === null ? null : (agentName.get(agentId) ?? null),
        target: groupBy === 'agent' ? null : target,
        ...figures,
      };
    });
  }
}
