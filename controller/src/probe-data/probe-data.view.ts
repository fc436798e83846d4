import type { ProbeResultRow } from '../ingest/probe-result.row';

/** A stored result as the probe-data endpoints return it: the row, with ISO times and parsed payload. */
export interface ProbeDataView extends Omit<ProbeResultRow, 'payload'> {
  received_at: string;
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
