import { clickHouseTimeToIso } from '../timeseries/clickhouse-time';
import type { ProbeResultRow } from './probe-result.row';

/** A stored result as the probe-data endpoints return it: the row, with ISO times and parsed payload. */
export interface ProbeDataView extends Omit<ProbeResultRow, 'payload'> {
  received_at: string;
  payload: unknown;
}

/** As the repository selects it: times and id as text under their own aliases, payload as JSON text. */
export interface ProbeDataRow extends Omit<ProbeDataView, 'id' | 'created_at' | 'received_at' | 'payload'> {
  id_text: string;
  created_at_text: string;
  received_at_text: string;
  payload: string;
}

export function toProbeDataView(row: ProbeDataRow): ProbeDataView {
  const { id_text, created_at_text, received_at_text, payload, ...columns } = row;
  return {
    ...columns,
    id: id_text,
    workspace_id: Number(row.workspace_id),
    probe_id: Number(row.probe_id),
    agent_id: Number(row.agent_id),
    probe_agent_id: Number(row.probe_agent_id),
    target_agent: Number(row.target_agent),
    triggered: Boolean(row.triggered),
    created_at: clickHouseTimeToIso(created_at_text),
    received_at: clickHouseTimeToIso(received_at_text),
    payload: JSON.parse(payload) as unknown,
  };
}
