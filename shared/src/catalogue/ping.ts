import { z } from 'zod';
import { HostName, LossPercent, Milliseconds } from '../units';
import { measurement, NO_METRICS } from './catalogue.types';

const NullableMs = Milliseconds.nullable();

/** PING: one run of `count` echo requests toward one target. RTT statistics are null when nothing came back. */
export const PingPayload = z.object({
  target: HostName,
  address: z.string().max(64).nullable(),
  sent: z.number().int().min(0),
  received: z.number().int().min(0),
  loss_pct: LossPercent,
  rtt_min_ms: NullableMs,
  rtt_avg_ms: NullableMs,
  rtt_max_ms: NullableMs,
  rtt_stddev_ms: NullableMs,
  /** Mean absolute difference between consecutive RTTs (RFC 3550 style, without smoothing). */
  jitter_ms: NullableMs,
  rtt_p50_ms: NullableMs,
  rtt_p95_ms: NullableMs,
  rtt_p99_ms: NullableMs,
  /** Per-packet RTTs by sequence number; null for a packet that got no reply. */
  rtts_ms: z.array(NullableMs).max(10_000),
  error: z.string().max(500).optional(),
});
export type PingPayload = z.infer<typeof PingPayload>;

export const PING = measurement({
  rules: {
    interval: { min: 5, max: 86_400, default: 60 },
    timeout: { min: 1, max: 300, default: 10 },
    count: { min: 1, max: 100, default: 5 },
    duration: null,
    targets: 'hosts',
    server: false,
  },
  result: {
    payload: PingPayload,
    metrics: (p) => ({ ...NO_METRICS, loss_pct: p.loss_pct, rtt_min_ms: p.rtt_min_ms, rtt_avg_ms: p.rtt_avg_ms, rtt_max_ms: p.rtt_max_ms, jitter_ms: p.jitter_ms }),
    alertMetrics: ['loss_pct', 'rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms', 'jitter_ms'],
    chartable: true,
  },
  localAgent: { interval_sec: 30, count: 5 },
});
