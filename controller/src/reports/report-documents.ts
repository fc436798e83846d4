import type { AlertSeverityStatistics } from '../alerts/alert-statistics.service';
import type { Column } from './csv';
import type { PdfReport } from './pdf';
import type { AlertReport, OverviewReport, ReportHeader, SlaReport, SlaReportRow } from './reports.service';

/** The availability columns every SLA table shows, after the columns naming the row. */
const FIGURES: Column<SlaReportRow>[] = [
  { heading: 'samples', value: (r) => r.samples },
  { heading: 'hours_measured', value: (r) => r.hours_measured },
  { heading: 'availability_pct', value: (r) => r.availability_pct },
  { heading: 'loss_pct', value: (r) => r.loss_pct },
  { heading: 'rtt_p50_ms', value: (r) => r.rtt_p50_ms },
  { heading: 'rtt_p95_ms', value: (r) => r.rtt_p95_ms },
  { heading: 'rtt_p99_ms', value: (r) => r.rtt_p99_ms },
  { heading: 'breach_hours', value: (r) => r.breach_hours },
  { heading: 'breach_pct', value: (r) => r.breach_pct },
];

const NAMING: Record<SlaReport['group_by'], Column<SlaReportRow>[]> = {
  probe: [
    { heading: 'probe_id', value: (r) => r.probe_id },
    { heading: 'probe', value: (r) => r.probe_name },
    { heading: 'agent', value: (r) => r.agent_name },
    { heading: 'target', value: (r) => r.target },
  ],
  agent: [
    { heading: 'agent_id', value: (r) => r.agent_id },
    { heading: 'agent', value: (r) => r.agent_name },
  ],
  target: [{ heading: 'target', value: (r) => r.target }],
};

export const slaColumns = (groupBy: SlaReport['group_by']): Column<SlaReportRow>[] => [...NAMING[groupBy], ...FIGURES];

export const ALERT_COLUMNS: Column<AlertSeverityStatistics>[] = [
  { heading: 'severity', value: (r) => r.severity },
  { heading: 'count', value: (r) => r.count },
  { heading: 'acknowledged', value: (r) => r.acknowledged },
  { heading: 'resolved', value: (r) => r.resolved },
  { heading: 'still_active', value: (r) => r.still_active },
  { heading: 'mean_seconds_to_acknowledge', value: (r) => r.mean_seconds_to_acknowledge },
  { heading: 'median_seconds_to_acknowledge', value: (r) => r.median_seconds_to_acknowledge },
  { heading: 'mean_seconds_to_resolve', value: (r) => r.mean_seconds_to_resolve },
  { heading: 'median_seconds_to_resolve', value: (r) => r.median_seconds_to_resolve },
];

function headerLines(h: ReportHeader): string[] {
  return [`Workspace: ${h.workspace.name} (${h.workspace.id})`, `Range: ${h.from} to ${h.to} (whole hours, UTC)`, `Generated: ${h.generated_at}`];
}

export function slaPdf(r: SlaReport): PdfReport {
  return {
    title: 'NetWatcher availability report',
    lines: [...headerLines(r), `Grouped by ${r.group_by}; target latency ${r.target_latency_ms} ms (an hour breaches when its p95 is above it)`],
    tables: [{ title: `Availability by ${r.group_by}`, columns: slaColumns(r.group_by), rows: r.rows, empty: 'No PING, MTR or TRAFFICSIM results in this range.' }],
  };
}

export function alertPdf(r: AlertReport): PdfReport {
  return {
    title: 'NetWatcher alert summary',
    lines: [...headerLines(r), `Alerts triggered in the range: ${r.total}`],
    tables: [{ title: 'By severity', columns: ALERT_COLUMNS, rows: r.by_severity, empty: 'No alerts in this range.' }],
  };
}

export function overviewPdf(r: OverviewReport): PdfReport {
  const probes = Object.entries(r.probes_by_type).map(([type, count]) => `${type} ${count}`).join(', ') || 'none';
  return {
    title: 'NetWatcher workspace overview',
    lines: [...headerLines(r), `Agents: ${r.agents}; probes: ${probes}`, `Alerts triggered: ${r.alerts.total}, still active: ${r.alerts.still_active}`],
    tables: [{ title: `Availability by agent (target latency ${r.target_latency_ms} ms)`, columns: slaColumns('agent'), rows: r.availability_by_agent, empty: 'No PING, MTR or TRAFFICSIM results in this range.' }],
  };
}
