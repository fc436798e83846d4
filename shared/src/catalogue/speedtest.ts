import { z } from 'zod';
import { Milliseconds } from '../units';
import { measurement, NO_METRICS } from './catalogue.types';

const NullableMs = Milliseconds.nullable();
/** Mbit/s (10^6 bits per second); 1 Tbit/s is far above anything one agent can move. */
const Mbps = z.number().finite().min(0).max(1_000_000);
const Bytes = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * SPEEDTEST: one run against one speed-test server (the agent's own controller when the probe has
 * no targets). Download, then upload, each with `streams` parallel HTTP streams for `duration_ms`;
 * the first `warmup_ms` of each direction (TCP slow start, filling socket buffers) is discarded,
 * so bytes and durations are those of the measured window only. Latency is TCP connect time to the
 * server: idle before the load, and under load while each direction runs (bufferbloat). Jitter is
 * the mean absolute difference of consecutive samples, as PING's. A direction that could not run
 * has null figures and `error` says why.
 */
export const SpeedtestPayload = z.object({
  /** Base URL of the speed-test endpoints that were measured. */
  server: z.string().min(1).max(2048),
  streams: z.number().int().min(1).max(64),
  /** Per direction, warm-up included. */
  duration_ms: Milliseconds,
  warmup_ms: Milliseconds,
  download_mbps: Mbps.nullable(),
  /** Bytes received in the measured window (after warm-up). */
  download_bytes: Bytes,
  /** Length of the measured window. */
  download_duration_ms: Milliseconds,
  upload_mbps: Mbps.nullable(),
  upload_bytes: Bytes,
  upload_duration_ms: Milliseconds,
  latency_idle_ms: NullableMs,
  jitter_idle_ms: NullableMs,
  latency_download_ms: NullableMs,
  jitter_download_ms: NullableMs,
  latency_upload_ms: NullableMs,
  jitter_upload_ms: NullableMs,
  /** Over every sample taken under load (both directions): the typed RTT and jitter columns. */
  rtt_loaded_min_ms: NullableMs,
  rtt_loaded_avg_ms: NullableMs,
  rtt_loaded_max_ms: NullableMs,
  jitter_loaded_ms: NullableMs,
  error: z.string().max(500).optional(),
});
export type SpeedtestPayload = z.infer<typeof SpeedtestPayload>;

export const SPEEDTEST = measurement({
  // Each run moves real traffic; more often than every 5 minutes would measure the test itself.
  rules: {
    interval: { min: 300, max: 86_400, default: 3_600 },
    timeout: { min: 10, max: 600, default: 120 },
    count: null,
    // The agent fixes the time per direction (10 s, shortened to fit timeout_sec): see its runner.
    duration: null,
    targets: 'urls',
    server: false,
  },
  // A speed test saturates the link: the controller's queue decides when each one runs.
  dispatch: 'controller',
  result: {
    payload: SpeedtestPayload,
    metrics: (p) => ({
      ...NO_METRICS,
      download_mbps: p.download_mbps,
      upload_mbps: p.upload_mbps,
      rtt_min_ms: p.rtt_loaded_min_ms,
      rtt_avg_ms: p.rtt_loaded_avg_ms,
      rtt_max_ms: p.rtt_loaded_max_ms,
      jitter_ms: p.jitter_loaded_ms,
    }),
    alertMetrics: ['download_mbps', 'upload_mbps'],
    chartable: true,
  },
});
