import { metricsOf, type ProbeResult } from '@netwatcher/shared';
import { toClickHouseTime } from '../timeseries/clickhouse-time';

/** A row of `probe_results` (controller/src/timeseries/migrations/0001_probe_results.sql, 0005). */
export interface ProbeResultRow {
  id: string;
  workspace_id: number;
  probe_id: number;
  agent_id: number;
  probe_agent_id: number;
  type: string;
  target: string;
  target_agent: number;
  triggered: boolean;
  triggered_reason: string;
  /** ClickHouse DateTime64(3) text: 'YYYY-MM-DD hh:mm:ss.sss' (UTC). */
  created_at: string;
  loss_pct: number | null;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  jitter_ms: number | null;
  download_mbps: number | null;
  upload_mbps: number | null;
  mos: number | null;
  /** The result's payload as JSON text. */
  payload: string;
}

/** Every column the ingest writes, in one place, for the TabSeparated insert. */
export const PROBE_RESULT_COLUMNS = [
  'id',
  'workspace_id',
  'probe_id',
  'agent_id',
  'probe_agent_id',
  'type',
  'target',
  'target_agent',
  'triggered',
  'triggered_reason',
  'created_at',
  'loss_pct',
  'rtt_min_ms',
  'rtt_avg_ms',
  'rtt_max_ms',
  'jitter_ms',
  'download_mbps',
  'upload_mbps',
  'mos',
  'payload',
] as const satisfies readonly (keyof ProbeResultRow)[];

export interface IngestIdentity {
  workspaceId: number;
  /** The agent that measured. */
  agentId: number;
  /** The agent that owns the probe (differs only for probes run on behalf of another agent). */
  probeAgentId: number;
}

/** Kept importable from here, where the columns it fills are defined; each type's extractor is in the probe catalogue. */
export { metricsOf };

export function toProbeResultRow(result: ProbeResult, who: IngestIdentity): ProbeResultRow {
  return {
    id: result.id,
    workspace_id: who.workspaceId,
    probe_id: result.probe_id,
    agent_id: who.agentId,
    probe_agent_id: who.probeAgentId,
    type: result.type,
    target: result.target,
    target_agent: result.target_agent,
    triggered: result.triggered,
    triggered_reason: result.triggered_reason,
    created_at: toClickHouseTime(result.created_at),
    // The common metrics live in typed columns so charts and alerts aggregate inside ClickHouse.
    ...metricsOf(result),
    payload: JSON.stringify(result.payload),
  };
}
