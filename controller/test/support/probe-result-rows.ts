import { randomUUID } from 'node:crypto';
import type { ProbeResultRow } from '../../src/probe-results/probe-result.row';
import { toClickHouseTime } from '../../src/timeseries/clickhouse-time';

/** ClickHouse DateTime64(3) text for a moment in ms since the epoch. */
export function chTimeAt(ms: number): string {
  return toClickHouseTime(new Date(ms).toISOString());
}

/**
 * A `probe_results` row as the ingest writes it: a PING to 10.0.0.1 with a fresh id, measured
 * at `at` (ms since the epoch), RTT figures around `rtt` (min −1, max +1, all null when it is
 * null: a run with total loss). Tests and benchmarks override what they care about.
 */
export function probeResultRow(at: number, rtt: number | null, overrides: Partial<ProbeResultRow> = {}): ProbeResultRow {
  return {
    id: randomUUID(),
    workspace_id: 1,
    probe_id: 1,
    agent_id: 1,
    probe_agent_id: 1,
    type: 'PING',
    target: '10.0.0.1',
    target_agent: 0,
    triggered: false,
    triggered_reason: '',
    created_at: chTimeAt(at),
    loss_pct: 0,
    rtt_min_ms: rtt === null ? null : rtt - 1,
    rtt_avg_ms: rtt,
    rtt_max_ms: rtt === null ? null : rtt + 1,
    jitter_ms: rtt === null ? null : 0.1,
    payload: '{}',
    ...overrides,
  };
}
