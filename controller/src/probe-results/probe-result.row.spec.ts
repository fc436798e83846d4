import { NO_METRICS, ProbeResult } from '@netwatcher/shared';
import { metricsOf, toProbeResultRow } from './probe-result.row';
import { toClickHouseTime } from '../timeseries/clickhouse-time';

const hop = (n: number, loss: number, avg: number | null) => ({
  hop: n,
  address: avg === null ? null : `10.0.0.${n}`,
  hostname: null,
  loss_pct: loss,
  sent: 10,
  last_ms: avg,
  avg_ms: avg,
  best_ms: avg,
  worst_ms: avg,
  stddev_ms: avg === null ? null : 0.5,
});

describe('probe result rows', () => {
  it('takes MTR end-to-end metrics from the last hop', () => {
    const r = ProbeResult.parse({
      id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b',
      probe_id: 1,
      type: 'MTR',
      created_at: '2026-01-01T00:00:00.000Z',
      target: '10.0.0.3',
      payload: { target: '10.0.0.3', hops: [hop(1, 0, 1), hop(2, 10, 20), hop(3, 20, 40)] },
    });
    expect(metricsOf(r)).toEqual({ ...NO_METRICS, loss_pct: 20, rtt_min_ms: 40, rtt_avg_ms: 40, rtt_max_ms: 40, jitter_ms: 0.5 });
  });

  const SPEEDTEST_PAYLOAD = {
    server: 'http://127.0.0.1:8080/agent/api/speedtest', streams: 4, duration_ms: 10_000, warmup_ms: 2_000,
    download_mbps: 10, download_bytes: 10_000_000, download_duration_ms: 8_000, upload_mbps: 5, upload_bytes: 5_000_000, upload_duration_ms: 8_000,
    latency_idle_ms: null, jitter_idle_ms: null, latency_download_ms: null, jitter_download_ms: null, latency_upload_ms: null, jitter_upload_ms: null,
    rtt_loaded_min_ms: null, rtt_loaded_avg_ms: null, rtt_loaded_max_ms: null, jitter_loaded_ms: null,
  };

  it('writes times in ClickHouse DateTime64 text and keeps the payload as JSON', () => {
    expect(toClickHouseTime('2026-03-04T05:06:07.089Z')).toBe('2026-03-04 05:06:07.089');
    const r = ProbeResult.parse({
      id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b',
      probe_id: 5,
      type: 'SPEEDTEST',
      created_at: '2026-01-01T00:00:00.000Z',
      payload: SPEEDTEST_PAYLOAD,
    });
    const row = toProbeResultRow(r, { workspaceId: 1, agentId: 2, probeAgentId: 2 });
    expect(row).toMatchObject({ workspace_id: 1, probe_id: 5, agent_id: 2, loss_pct: null, download_mbps: 10, upload_mbps: 5, target: '' });
    expect(JSON.parse(row.payload)).toEqual(SPEEDTEST_PAYLOAD);
  });
});
