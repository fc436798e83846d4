import { ProbeResult } from '@netwatcher/shared';
import { isAlertMetric, metricValue } from './alert-metrics';

const envelope = { id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b', probe_id: 1, created_at: '2026-01-01T00:00:00.000Z' };
const speedtest = ProbeResult.parse({
  ...envelope,
  type: 'SPEEDTEST',
  payload: {
    server: 'http://127.0.0.1:8080/agent/api/speedtest', streams: 4, duration_ms: 10_000, warmup_ms: 2_000,
    download_mbps: 18.5, download_bytes: 18_500_000, download_duration_ms: 8_000, upload_mbps: null, upload_bytes: 0, upload_duration_ms: 0,
    latency_idle_ms: 1, jitter_idle_ms: 0.1, latency_download_ms: 300, jitter_download_ms: 30, latency_upload_ms: null, jitter_upload_ms: null,
    rtt_loaded_min_ms: 250, rtt_loaded_avg_ms: 300, rtt_loaded_max_ms: 350, jitter_loaded_ms: 30,
    error: 'upload: ECONNRESET',
  },
});

describe('alert metrics of SPEEDTEST results', () => {
  it('offers download_mbps and upload_mbps as rule metrics', () => {
    expect(isAlertMetric('download_mbps')).toBe(true);
    expect(isAlertMetric('upload_mbps')).toBe(true);
  });

  it('reads throughput in Mbit/s; a direction that did not run carries none (never a breach)', () => {
    expect(metricValue('download_mbps', speedtest)).toBe(18.5);
    expect(metricValue('upload_mbps', speedtest)).toBeNull();
  });

  it('keeps latency and jitter rules written for PING away from latency measured under load', () => {
    for (const metric of ['packet_loss', 'latency', 'latency_p95', 'jitter', 'mtr_hop_loss'] as const) expect(metricValue(metric, speedtest)).toBeNull();
  });

  it('gives PING and MTR results no throughput', () => {
    const ping = ProbeResult.parse({
      ...envelope, type: 'PING',
      payload: {
        target: '10.0.0.1', address: '10.0.0.1', sent: 1, received: 1, loss_pct: 0, rtt_min_ms: 1, rtt_avg_ms: 1, rtt_max_ms: 1,
        rtt_stddev_ms: 0, jitter_ms: null, rtt_p50_ms: 1, rtt_p95_ms: 1, rtt_p99_ms: 1, rtts_ms: [1],
      },
    });
    const mtr = ProbeResult.parse({ ...envelope, type: 'MTR', payload: { target: '10.0.0.2', hops: [] } });
    for (const r of [ping, mtr]) {
      expect(metricValue('download_mbps', r)).toBeNull();
      expect(metricValue('upload_mbps', r)).toBeNull();
    }
  });
});
