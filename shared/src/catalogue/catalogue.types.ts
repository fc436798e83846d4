import type { z } from 'zod';

/** A bounded whole-number setting of a probe, with the value used when a caller leaves it out. */
export interface Range {
  min: number;
  max: number;
  default: number;
}

/**
 * What `targets` / `agent_targets` hold for a type: host names or addresses, http(s) URLs,
 * nothing (the agent measures itself), peer agents, or the TRAFFICSIM client/server pair.
 */
export type TargetKind = 'hosts' | 'urls' | 'none' | 'agents' | 'trafficsim';

/** How a probe of one type may be configured; the controller's validation reads these. */
export interface ConfigRules {
  interval: Range;
  timeout: Range;
  /** null: the field does not apply to the type and must be 0 (or absent). */
  count: Range | null;
  duration: Range | null;
  targets: TargetKind;
  /** The type has a server role (`server: true` listens instead of measuring). */
  server: boolean;
}

/**
 * The figures kept in typed columns of `probe_results`, so charts, rollups and alerts aggregate
 * inside ClickHouse instead of parsing payload JSON. Milliseconds and percent, as every payload.
 */
export interface ResultMetrics {
  loss_pct: number | null;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  jitter_ms: number | null;
  /** SPEEDTEST throughput, Mbit/s (10^6 bits per second). */
  download_mbps: number | null;
  upload_mbps: number | null;
  /** TRAFFICSIM call quality, ITU-T G.107 MOS (1.0–4.5). */
  mos: number | null;
}
export type MetricName = keyof ResultMetrics;

export const NO_METRICS: Readonly<ResultMetrics> = {
  loss_pct: null,
  rtt_min_ms: null,
  rtt_avg_ms: null,
  rtt_max_ms: null,
  jitter_ms: null,
  download_mbps: null,
  upload_mbps: null,
  mos: null,
};

/** The result a type reports under its own name in `probe_post`. */
export interface ResultSpec<P extends z.ZodTypeAny = z.ZodTypeAny> {
  payload: P;
  /**
   * Fills the typed metric columns; a type without such figures returns NO_METRICS. (A method,
   * so an entry with its own payload type still counts as a `ResultSpec` of any payload.)
   */
  metrics(payload: z.infer<P>): ResultMetrics;
  /** Metrics an alert rule may watch on this result (all carried by `metrics`). */
  alertMetrics: readonly MetricName[];
  /** Charts exist for it: loss and RTT figures (with hourly rollups), or SPEEDTEST throughput (raw rows). */
  chartable: boolean;
}

interface EntryBase {
  rules: ConfigRules;
  /**
   * How the controller's own local agent watches the loopback path with this type at first
   * start, if it does (the targets are the local agent's business).
   */
  localAgent?: { interval_sec: number; count: number };
  /**
   * `controller`: the agent's scheduler never runs this type on its own; the controller starts
   * each run (the speed-test queue: one at a time per agent, a cap per controller). Absent: the
   * agent runs the probe at its interval.
   */
  dispatch?: 'controller';
}

/** A type that measures and reports a result under its own name. */
export interface MeasurementEntry<P extends z.ZodTypeAny = z.ZodTypeAny> extends EntryBase {
  result: ResultSpec<P>;
}

/** A type that is a plan: it runs other types' measurements and reports their results. */
export interface PlanEntry extends EntryBase {
  result: null;
  /** The result types it runs, in the order it runs them. */
  plan: readonly string[];
}

/** Everything the three packages know about one probe type. */
export type CatalogueEntry = MeasurementEntry | PlanEntry;

/** Declares a measuring type; the payload schema types its metric extractor. */
export function measurement<P extends z.ZodTypeAny>(e: MeasurementEntry<P>): MeasurementEntry<P> {
  return e;
}

export function plan(e: PlanEntry): PlanEntry {
  return e;
}
