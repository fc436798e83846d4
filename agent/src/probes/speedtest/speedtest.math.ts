/**
 * The arithmetic of a speed test, kept pure so it is tested on numbers rather than on a network:
 * the time plan of a run, throughput over the measured window, and latency statistics.
 */

/** Cumulative bytes moved by all streams of one direction, `atMs` after the direction started. */
export interface ByteSample {
  atMs: number;
  bytes: number;
}

export interface Throughput {
  /** Mbit/s (10^6 bits per second), over the measured window. */
  mbps: number;
  bytes: number;
  durationMs: number;
}

/** Time per direction when the probe's timeout allows it (warm-up included). */
export const DIRECTION_MS = 10_000;
/** The shortest direction worth measuring; below it the warm-up dominates. */
export const MIN_DIRECTION_MS = 1_000;
/** Idle latency before the load, and the slack for connection set-up and tear-down. */
export const IDLE_MS = 1_000;
export const SLACK_MS = 2_000;

export interface SpeedtestPlan {
  /** Per direction, warm-up included. */
  directionMs: number;
  /** Discarded at the start of each direction: TCP slow start and socket buffers filling. */
  warmupMs: number;
}

/**
 * Fits two directions, the idle latency and some slack into the probe's timeout: 10 s per
 * direction when there is room, less (never under 1 s) when the timeout is short. A fifth of
 * each direction, 250 ms to 2 s, is warm-up.
 */
export function planSpeedtest(timeoutSec: number): SpeedtestPlan {
  const room = Math.floor((timeoutSec * 1000 - IDLE_MS - SLACK_MS) / 2);
  const directionMs = Math.max(MIN_DIRECTION_MS, Math.min(DIRECTION_MS, room));
  const warmupMs = Math.min(2_000, Math.max(250, Math.round(directionMs / 5)));
  return { directionMs, warmupMs };
}

/** bytes over milliseconds in Mbit/s: bytes × 8 bits / (ms / 1000) s / 10^6. */
export function mbps(bytes: number, durationMs: number): number {
  return durationMs > 0 ? (bytes * 8) / (durationMs * 1000) : 0;
}

/**
 * Throughput between the first sample at or after the warm-up and the last sample: the bytes
 * that arrived during warm-up are discarded with its time. Null when the window is empty (the
 * direction stopped before warm-up ended, or samples are missing).
 */
export function windowThroughput(samples: readonly ByteSample[], warmupMs: number): Throughput | null {
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const start = sorted.find((s) => s.atMs >= warmupMs);
  const end = sorted[sorted.length - 1];
  if (!start || !end || end.atMs <= start.atMs) return null;
  const bytes = Math.max(0, end.bytes - start.bytes);
  const durationMs = end.atMs - start.atMs;
  return { mbps: mbps(bytes, durationMs), bytes, durationMs };
}

export interface LatencyStats {
  min: number | null;
  avg: number | null;
  max: number | null;
  /** Mean absolute difference of consecutive samples (as PING's jitter); needs two samples. */
  jitter: number | null;
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** Latency samples in the order they were taken; all null without samples. */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  if (samplesMs.length === 0) return { min: null, avg: null, max: null, jitter: null };
  let diffSum = 0;
  for (let i = 1; i < samplesMs.length; i++) diffSum += Math.abs(samplesMs[i] - samplesMs[i - 1]);
  return {
    min: round3(Math.min(...samplesMs)),
    avg: round3(samplesMs.reduce((s, v) => s + v, 0) / samplesMs.length),
    max: round3(Math.max(...samplesMs)),
    jitter: samplesMs.length > 1 ? round3(diffSum / (samplesMs.length - 1)) : null,
  };
}

/**
 * Latency under load over both directions together. Jitter is the mean of each direction's own
 * jitter, weighted by its differences, so the jump from download to upload latency is not
 * counted as jitter.
 */
export function loadedStats(download: readonly number[], upload: readonly number[]): LatencyStats {
  const all = latencyStats([...download, ...upload]);
  const pairs = Math.max(0, download.length - 1) + Math.max(0, upload.length - 1);
  if (pairs === 0) return { ...all, jitter: null };
  const d = latencyStats(download).jitter ?? 0;
  const u = latencyStats(upload).jitter ?? 0;
  return { ...all, jitter: round3((d * Math.max(0, download.length - 1) + u * Math.max(0, upload.length - 1)) / pairs) };
}

/** Mbit/s with three decimals, as stored. */
export function roundMbps(v: number): number {
  return round3(v);
}
