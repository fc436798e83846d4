import { ProbeResult } from '../results';
import {
  CHARTABLE_PROBE_TYPES,
  chartResultTypes,
  DEFAULT_AGENT_PROBE_TYPES,
  isProbeType,
  isResultType,
  localAgentProbes,
  metricsOf,
  NO_METRICS,
  PROBE_CATALOGUE,
  PROBE_TYPES,
  RESULT_TYPES,
  resultSpec,
  resultTypesOf,
} from './index';

const envelope = { id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b', probe_id: 7, created_at: '2026-01-01T00:00:00.000Z' };
const hop = (n: number, loss: number, avg: number) => ({
  hop: n, address: `10.0.0.${n}`, hostname: null, loss_pct: loss, sent: 5,
  last_ms: avg, avg_ms: avg, best_ms: avg - 1, worst_ms: avg + 1, stddev_ms: 0.5,
});

describe('probe catalogue', () => {
  it('lists the types in the order the API always listed them', () => {
    expect(PROBE_TYPES).toEqual(['PING', 'MTR', 'SPEEDTEST', 'SYSINFO', 'NETINFO', 'TRAFFICSIM', 'AGENT']);
    expect(isProbeType('PING')).toBe(true);
    expect(isProbeType('ping')).toBe(false);
    expect(isProbeType('toString')).toBe(false);
  });

  it.each(PROBE_TYPES)('%s has defaults inside its own bounds', (type) => {
    const { interval, timeout, count, duration } = PROBE_CATALOGUE[type].rules;
    for (const range of [interval, timeout, count, duration]) {
      if (range) expect(range.min <= range.default && range.default <= range.max).toBe(true);
    }
    expect(timeout.default).toBeLessThanOrEqual(interval.default);
  });

  it('has a result of its own for every type but the AGENT plan, which reports PING, MTR and TRAFFICSIM', () => {
    expect(RESULT_TYPES).toEqual(['PING', 'MTR', 'SPEEDTEST', 'SYSINFO', 'NETINFO', 'TRAFFICSIM']);
    expect(isResultType('AGENT')).toBe(false);
    for (const type of RESULT_TYPES) expect(resultTypesOf(type)).toEqual([type]);
    expect(resultTypesOf('AGENT')).toEqual(['PING', 'MTR', 'TRAFFICSIM']);
  });

  it('charts the types with loss and RTT or throughput figures, PING first for AGENT', () => {
    expect(CHARTABLE_PROBE_TYPES).toEqual(['PING', 'MTR', 'SPEEDTEST', 'TRAFFICSIM', 'AGENT']);
    expect(chartResultTypes('AGENT')).toEqual(['PING', 'MTR', 'TRAFFICSIM']);
    expect(chartResultTypes('SYSINFO')).toEqual([]);
  });

  it('offers alert metrics only among the metrics its extractor fills, and only where it charts', () => {
    for (const type of RESULT_TYPES) {
      const spec = resultSpec(type);
      expect(spec.alertMetrics.length > 0).toBe(spec.chartable);
      for (const name of spec.alertMetrics) {
        expect(['loss_pct', 'rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms', 'jitter_ms', 'mos', 'download_mbps', 'upload_mbps']).toContain(name);
      }
    }
  });

  it('extracts PING figures as reported and MTR figures from the last hop', () => {
    const ping = ProbeResult.parse({
      ...envelope, type: 'PING',
      payload: {
        target: '10.0.0.1', address: '10.0.0.1', sent: 5, received: 4, loss_pct: 20, rtt_min_ms: 1, rtt_avg_ms: 2, rtt_max_ms: 3,
        rtt_stddev_ms: 0.5, jitter_ms: 0.25, rtt_p50_ms: 2, rtt_p95_ms: 3, rtt_p99_ms: 3, rtts_ms: [1, 2, 3, 2, null],
      },
    });
    expect(metricsOf(ping)).toEqual({ ...NO_METRICS, loss_pct: 20, rtt_min_ms: 1, rtt_avg_ms: 2, rtt_max_ms: 3, jitter_ms: 0.25 });
    const mtr = ProbeResult.parse({ ...envelope, type: 'MTR', payload: { target: '10.0.0.2', hops: [hop(1, 0, 1), hop(2, 40, 9)] } });
    expect(metricsOf(mtr)).toEqual({ ...NO_METRICS, loss_pct: 40, rtt_min_ms: 8, rtt_avg_ms: 9, rtt_max_ms: 10, jitter_ms: 0.5 });
    const silent = ProbeResult.parse({ ...envelope, type: 'MTR', payload: { target: '10.0.0.2', hops: [] } });
    expect(metricsOf(silent)).toEqual(NO_METRICS);
    const dir = { sent: 100, received: 90, loss_pct: 10, rtt_min_ms: 1, rtt_avg_ms: 2, rtt_max_ms: 4, jitter_ms: 0.5, out_of_order: 1, duplicates: 2, mos: 3.9 };
    const sim = ProbeResult.parse({
      ...envelope, type: 'TRAFFICSIM',
      payload: {
        target: '10.0.0.3:50505', peer_agent_id: 4, interval_sec: 300, duration_sec: 2, rate_pps: 50, packet_size: 200,
        ...dir, mos: 3.8, upstream: dir, downstream: null,
      },
    });
    expect(metricsOf(sim)).toEqual({ ...NO_METRICS, loss_pct: 10, rtt_min_ms: 1, rtt_avg_ms: 2, rtt_max_ms: 4, jitter_ms: 0.5, mos: 3.8 });
  });

  it('extracts SPEEDTEST throughput and the RTT and jitter measured under load', () => {
    const payload = {
      server: 'http://10.0.0.1:8080/agent/api/speedtest', streams: 4, duration_ms: 10_000, warmup_ms: 2_000,
      download_mbps: 19.4, download_bytes: 19_400_000, download_duration_ms: 8_000,
      upload_mbps: 9.8, upload_bytes: 9_800_000, upload_duration_ms: 8_000,
      latency_idle_ms: 1, jitter_idle_ms: 0.1, latency_download_ms: 40, jitter_download_ms: 4, latency_upload_ms: 60, jitter_upload_ms: 6,
      rtt_loaded_min_ms: 20, rtt_loaded_avg_ms: 50, rtt_loaded_max_ms: 90, jitter_loaded_ms: 5,
    };
    const result = ProbeResult.parse({ ...envelope, type: 'SPEEDTEST', payload });
    expect(metricsOf(result)).toEqual({
      ...NO_METRICS, download_mbps: 19.4, upload_mbps: 9.8, rtt_min_ms: 20, rtt_avg_ms: 50, rtt_max_ms: 90, jitter_ms: 5,
    });
    expect(ProbeResult.safeParse({ ...envelope, type: 'SPEEDTEST', payload: { download_mbps: 90 } }).success).toBe(false);
    expect(ProbeResult.safeParse({ ...envelope, type: 'SPEEDTEST', payload: { ...payload, download_mbps: -1 } }).success).toBe(false);
  });

  it('validates each result type against its own payload schema', () => {
    const netinfo = { hostname: 'h', interfaces: [], default_gateway: null, dns_servers: [], public_ip: null };
    expect(ProbeResult.safeParse({ ...envelope, type: 'NETINFO', payload: netinfo }).success).toBe(true);
    expect(ProbeResult.safeParse({ ...envelope, type: 'SYSINFO', payload: netinfo }).success).toBe(false);
    expect(ProbeResult.safeParse({ ...envelope, type: 'AGENT', payload: {} }).success).toBe(false);
  });

  it('gives every new agent NETINFO then SYSINFO, and the local agent loopback PING and MTR', () => {
    expect(DEFAULT_AGENT_PROBE_TYPES).toEqual(['NETINFO', 'SYSINFO']);
    expect(DEFAULT_AGENT_PROBE_TYPES.every((t) => PROBE_CATALOGUE[t].rules.targets === 'none')).toBe(true);
    expect(localAgentProbes()).toEqual([
      { type: 'PING', interval_sec: 30, count: 5 },
      { type: 'MTR', interval_sec: 300, count: 5 },
    ]);
  });
});
