/** A stored result as the probe-data endpoints return it. */
export interface ProbeDataView {
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
  created_at: string;
  received_at: string;
  loss_pct: number | null;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  jitter_ms: number | null;
  payload: unknown;
}

/** As ClickHouse returns a row in JSONEachRow (times as 'YYYY-MM-DD hh:mm:ss.sss', UInt as numbers). */
export interface ProbeDataRow extends Omit<ProbeDataView, 'payload'> {
  payload: string;
}

export function chTimeToIso(value: string): string {
  return value.replace(' ', 'T') + (value.includes('.') ? 'Z' : '.000Z');
}

export function toProbeDataView(row: ProbeDataRow): ProbeDataView {
  return {
    ...row,
    workspace_id: Number(row.workspace_id),
    probe_id: Number(row.probe_id),
    agent_id: Number(row.agent_id),
    probe_agent_id: Number(row.probe_agent_id),
    target_agent: Number(row.target_agent),
    triggered: Boolean(row.triggered),
    created_at: chTimeToIso(row.created_at),
    received_at: chTimeToIso(row.received_at),
    payload: JSON.parse(row.payload) as unknown,
  };
}
