import { z } from 'zod';
import { HostName, Id, LossPercent, Milliseconds } from '../units';
import { measurement, NO_METRICS } from './catalogue.types';

const NullableMs = Milliseconds.nullable();
const Count = z.number().int().min(0).max(10_000_000);
/** ITU-T G.107 MOS scale as the E-model maps R to it. */
const Mos = z.number().finite().min(1).max(4.5).nullable();

/**
 * The settings of a TRAFFICSIM probe that no common probe field carries, kept under
 * `metadata.trafficsim` (validated by the controller, defaults filled in): the server's UDP port,
 * and the client's packet rate and packet size. duration_sec is the common field.
 */
export const TRAFFICSIM_LIMITS = {
  port: { min: 1024, max: 65_535, default: 50_505 },
  rate_pps: { min: 1, max: 1_000, default: 50 },
  /** UDP payload bytes, header and tag included: at least the packet header, at most one unfragmented datagram. */
  packet_size: { min: 80, max: 1_400, default: 200 },
  /** rate × duration: every packet is tracked for the statistics, so a run stays bounded. */
  max_packets_per_run: 200_000,
} as const;

export const TrafficsimSettings = z.object({
  port: z.number().int().min(TRAFFICSIM_LIMITS.port.min).max(TRAFFICSIM_LIMITS.port.max),
  rate_pps: z.number().int().min(TRAFFICSIM_LIMITS.rate_pps.min).max(TRAFFICSIM_LIMITS.rate_pps.max),
  packet_size: z.number().int().min(TRAFFICSIM_LIMITS.packet_size.min).max(TRAFFICSIM_LIMITS.packet_size.max),
});
export type TrafficsimSettings = z.infer<typeof TrafficsimSettings>;

/**
 * One direction of a flow. RTT figures are round trips (one-way delay needs synchronised clocks),
 * so both directions carry the same RTT; loss, jitter, out-of-order and duplicates are the
 * direction's own. mos is the E-model estimate from this direction's loss and jitter.
 */
export const TrafficsimDirection = z.object({
  sent: Count,
  received: Count,
  loss_pct: LossPercent,
  rtt_min_ms: NullableMs,
  rtt_avg_ms: NullableMs,
  rtt_max_ms: NullableMs,
  /** RFC 3550 interarrival jitter (smoothed, 1/16 gain) at the end of the run. */
  jitter_ms: NullableMs,
  out_of_order: Count,
  duplicates: Count,
  mos: Mos,
});
export type TrafficsimDirection = z.infer<typeof TrafficsimDirection>;

/**
 * TRAFFICSIM: one run of a UDP flow from this agent (the client) to a TRAFFICSIM server for
 * duration_sec. The top-level figures are the round trip as the client saw it (a packet counts as
 * received when its answer came back); `upstream` is client → server as the server counted it
 * (carried back in its answers), `downstream` server → client as the client counted the answers.
 * A direction is null when its figures could not be had (the server never answered).
 */
export const TrafficsimPayload = z.object({
  /** `host:port` the packets went to. */
  target: HostName,
  peer_agent_id: Id.nullable(),
  interval_sec: z.number().int().min(1).max(86_400),
  duration_sec: z.number().int().min(1).max(86_400),
  rate_pps: z.number().int().min(1).max(100_000),
  packet_size: z.number().int().min(1).max(65_535),
  sent: Count,
  received: Count,
  loss_pct: LossPercent,
  rtt_min_ms: NullableMs,
  rtt_avg_ms: NullableMs,
  rtt_max_ms: NullableMs,
  jitter_ms: NullableMs,
  out_of_order: Count,
  duplicates: Count,
  mos: Mos,
  upstream: TrafficsimDirection.nullable(),
  downstream: TrafficsimDirection.nullable(),
  error: z.string().max(500).optional(),
});
export type TrafficsimPayload = z.infer<typeof TrafficsimPayload>;

export const TRAFFICSIM = measurement({
  rules: {
    interval: { min: 60, max: 86_400, default: 300 },
    timeout: { min: 1, max: 300, default: 5 },
    count: null,
    duration: { min: 1, max: 3_600, default: 60 },
    targets: 'trafficsim',
    server: true,
  },
  result: {
    payload: TrafficsimPayload,
    // The round trip fills the PING-like columns, so loss/RTT charts and alerts read TRAFFICSIM as
    // they read PING; mos is the worse of the two directions (the call is as good as its worst leg).
    metrics: (p) => ({
      ...NO_METRICS,
      loss_pct: p.loss_pct,
      rtt_min_ms: p.rtt_min_ms,
      rtt_avg_ms: p.rtt_avg_ms,
      rtt_max_ms: p.rtt_max_ms,
      jitter_ms: p.jitter_ms,
      mos: p.mos,
    }),
    alertMetrics: ['loss_pct', 'rtt_min_ms', 'rtt_avg_ms', 'rtt_max_ms', 'jitter_ms', 'mos'],
    chartable: true,
  },
});
