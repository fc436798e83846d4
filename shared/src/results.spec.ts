import { ProbeResult } from './results';

const ping = {
  id: '4b0b7e55-2a0e-4f4e-9d1c-2f8f3a1d2c3b',
  probe_id: 7,
  type: 'PING',
  created_at: '2026-01-01T00:00:00.000Z',
  target: '10.0.0.1',
  payload: {
    target: '10.0.0.1',
    address: '10.0.0.1',
    sent: 2,
    received: 1,
    loss_pct: 50,
    rtt_min_ms: 1.5,
    rtt_avg_ms: 1.5,
    rtt_max_ms: 1.5,
    rtt_stddev_ms: 0,
    jitter_ms: null,
    rtt_p50_ms: 1.5,
    rtt_p95_ms: 1.5,
    rtt_p99_ms: 1.5,
    rtts_ms: [1.5, null],
  },
};

describe('ProbeResult schema', () => {
  it('accepts a well-formed PING result and fills envelope defaults', () => {
    const parsed = ProbeResult.parse(ping);
    expect(parsed.target_agent).toBe(0);
    expect(parsed.triggered).toBe(false);
  });

  it('rejects loss outside 0–100, non-UTC timestamps and payloads of another type', () => {
    expect(ProbeResult.safeParse({ ...ping, payload: { ...ping.payload, loss_pct: 150 } }).success).toBe(false);
    expect(ProbeResult.safeParse({ ...ping, created_at: '2026-01-01 00:00:00' }).success).toBe(false);
    expect(ProbeResult.safeParse({ ...ping, type: 'MTR' }).success).toBe(false);
    expect(ProbeResult.safeParse({ ...ping, id: 'not-a-uuid' }).success).toBe(false);
  });
});
