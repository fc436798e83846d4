import { randomUUID } from 'node:crypto';

/**
 * Per-packet RTTs around a base (loopback-like by default), as a PING run of 5 echo requests
 * would report them.
 */
export function pingResult(probeId: number, createdAt: string, base = 0.04 + Math.random() * 0.05): Record<string, unknown> {
  const rtts = [base, base * 1.1, base * 0.95, base * 1.05, base * 1.2].map((v) => Math.round(v * 1000) / 1000);
  const sorted = [...rtts].sort((a, b) => a - b);
  const avg = rtts.reduce((a, b) => a + b, 0) / rtts.length;
  return {
    id: randomUUID(),
    probe_id: probeId,
    type: 'PING',
    created_at: createdAt,
    target: '127.0.0.1',
    payload: {
      target: '127.0.0.1',
      address: '127.0.0.1',
      sent: 5,
      received: 5,
      loss_pct: 0,
      rtt_min_ms: sorted[0],
      rtt_avg_ms: Math.round(avg * 1000) / 1000,
      rtt_max_ms: sorted[4],
      rtt_stddev_ms: 0.005,
      jitter_ms: 0.004,
      rtt_p50_ms: sorted[2],
      rtt_p95_ms: sorted[4],
      rtt_p99_ms: sorted[4],
      rtts_ms: rtts,
    },
  };
}
