import { z } from 'zod';
import { HostName, LossPercent, Milliseconds } from '../units';
import { measurement, NO_METRICS } from './catalogue.types';

const NullableMs = Milliseconds.nullable();

export const MtrHop = z.object({
  hop: z.number().int().min(1).max(255),
  /** Null for a hop that never answered (mtr prints "???"). */
  address: z.string().max(64).nullable(),
  hostname: z.string().max(253).nullable(),
  loss_pct: LossPercent,
  sent: z.number().int().min(0),
  last_ms: NullableMs,
  avg_ms: NullableMs,
  best_ms: NullableMs,
  worst_ms: NullableMs,
  stddev_ms: NullableMs,
});
export type MtrHop = z.infer<typeof MtrHop>;

export const MtrPayload = z.object({
  target: HostName,
  hops: z.array(MtrHop).max(255),
  error: z.string().max(500).optional(),
});
export type MtrPayload = z.infer<typeof MtrPayload>;

export const MTR = measurement({
  rules: {
    interval: { min: 30, max: 86_400, default: 300 },
    timeout: { min: 1, max: 600, default: 60 },
    count: { min: 1, max: 60, default: 5 },
    duration: null,
    targets: 'hosts',
    server: false,
  },
  result: {
    payload: MtrPayload,
    // The end-to-end figures are those of the last hop that answered.
    metrics: (p) => {
      const last = p.hops[p.hops.length - 1];
      if (!last) return NO_METRICS;
      return { ...NO_METRICS, loss_pct: last.loss_pct, rtt_min_ms: last.best_ms, rtt_avg_ms: last.avg_ms, rtt_max_ms: last.worst_ms, jitter_ms: last.stddev_ms };
    },
    alertMetrics: ['loss_pct', 'rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms', 'jitter_ms'],
    chartable: true,
  },
  localAgent: { interval_sec: 300, count: 5 },
});
