import type { ProbeResult } from '@netwatcher/shared';
import type { ChartBucket, ChartView } from '../api/types';

/*
 * SmokePing-style chart data, shaped from the chart endpoint's buckets. Pure functions: the
 * chart component only draws what these return, and they are unit tested.
 */

/** Loss colour steps, SmokePing's idea: green without loss, then cooler to hotter. */
export const LOSS_STEPS: readonly { upTo: number; colour: string; label: string }[] = [
  { upTo: 0, colour: '#26a641', label: '0 %' },
  { upTo: 2, colour: '#1f9ed8', label: '≤ 2 %' },
  { upTo: 5, colour: '#8a5cf6', label: '≤ 5 %' },
  { upTo: 10, colour: '#d4a000', label: '≤ 10 %' },
  { upTo: 50, colour: '#f0761a', label: '≤ 50 %' },
  { upTo: 100, colour: '#d93025', label: '> 50 %' },
];

/** Index into LOSS_STEPS, or -1 for a bucket without samples (a gap, drawn as nothing). */
export function lossClass(loss: number | null, samples = 1): number {
  if (samples === 0 || loss === null || !Number.isFinite(loss)) return -1;
  const i = LOSS_STEPS.findIndex((s) => loss <= s.upTo);
  return i === -1 ? LOSS_STEPS.length - 1 : i;
}

export interface SmokeSeries {
  /** Bucket starts, Unix seconds (uPlot's x axis). */
  x: number[];
  /** The line: the bucket's average RTT (the chart route sends min, average, p95 and max). */
  line: (number | null)[];
  /** Smoke bands: min…p95 (dense) and p95…max (light). */
  min: (number | null)[];
  p95: (number | null)[];
  max: (number | null)[];
  loss: (number | null)[];
  lossClass: number[];
}

export function shapeSmoke(buckets: readonly ChartBucket[]): SmokeSeries {
  const out: SmokeSeries = { x: [], line: [], min: [], p95: [], max: [], loss: [], lossClass: [] };
  for (const b of buckets) {
    const empty = b.samples === 0;
    out.x.push(Math.floor(Date.parse(b.bucket) / 1000));
    // A bucket of total loss has samples but no RTT: it shows as loss, never as a 0 ms dip.
    out.line.push(empty ? null : b.rtt_avg_ms);
    out.min.push(empty ? null : b.rtt_min_ms);
    // Keep the bands ordered even if a rounded p95 falls outside min…max.
    out.p95.push(empty || b.rtt_p95_ms === null ? null : clamp(b.rtt_p95_ms, b.rtt_min_ms, b.rtt_max_ms));
    out.max.push(empty ? null : b.rtt_max_ms);
    out.loss.push(empty ? null : b.loss_pct);
    out.lossClass.push(lossClass(b.loss_pct, b.samples));
  }
  return out;
}

function clamp(v: number, lo: number | null, hi: number | null): number {
  return Math.min(hi ?? v, Math.max(lo ?? v, v));
}

/** One live measurement reduced to what a bucket holds. */
export interface LiveSample {
  at: number;
  loss: number;
  min: number | null;
  avg: number | null;
  max: number | null;
  p95: number | null;
}

/** PING: its summary; MTR: its last hop; TRAFFICSIM: its round trip (what the chart endpoint charts). Other types: null. */
export function liveSample(result: ProbeResult): LiveSample | null {
  const at = Date.parse(result.created_at);
  if (result.type === 'PING') {
    const p = result.payload;
    return { at, loss: p.loss_pct, min: p.rtt_min_ms, avg: p.rtt_avg_ms, max: p.rtt_max_ms, p95: p.rtt_p95_ms };
  }
  if (result.type === 'MTR') {
    const last = result.payload.hops.at(-1);
    if (!last) return { at, loss: 100, min: null, avg: null, max: null, p95: null };
    return { at, loss: last.loss_pct, min: last.best_ms, avg: last.avg_ms, max: last.worst_ms, p95: last.worst_ms };
  }
  if (result.type === 'TRAFFICSIM') {
    const p = result.payload;
    // No per-packet percentiles in the payload: the max bounds p95, as for MTR.
    return { at, loss: p.loss_pct, min: p.rtt_min_ms, avg: p.rtt_avg_ms, max: p.rtt_max_ms, p95: p.rtt_max_ms };
  }
  return null;
}

/**
 * Adds a live measurement to an open chart without a reload. A sample past the last bucket
 * slides the window forward (new empty buckets at the end, as many old ones dropped at the
 * start). Counts, loss and average are exact; p95 is kept as the larger of the two (an upper
 * bound) until the chart is fetched again. Samples before the window are ignored.
 */
export function mergeSample(view: ChartView, s: LiveSample): ChartView {
  const step = view.bucket_seconds * 1000;
  const from = Date.parse(view.from);
  let index = Math.floor((s.at - from) / step);
  if (index < 0 || view.data.length === 0) return view;
  let data = view.data.slice();
  let start = from;
  if (index >= data.length) {
    const grow = index - data.length + 1;
    for (let i = 0; i < grow; i++) data.push(emptyBucket(from + (view.data.length + i) * step));
    data = data.slice(grow);
    start = from + grow * step;
    index -= grow;
  }
  data[index] = addToBucket(data[index], s);
  return {
    ...view,
    from: new Date(start).toISOString(),
    to: new Date(start + data.length * step).toISOString(),
    data,
  };
}

function emptyBucket(t: number): ChartBucket {
  return { bucket: new Date(t).toISOString(), samples: 0, loss_pct: null, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, rtt_p95_ms: null, jitter_ms: null, download_mbps: null, upload_mbps: null };
}

function addToBucket(b: ChartBucket, s: LiveSample): ChartBucket {
  const n = b.samples;
  const pick = (a: number | null, v: number | null, f: (x: number, y: number) => number): number | null =>
    a === null ? v : v === null ? a : f(a, v);
  return {
    ...b,
    samples: n + 1,
    loss_pct: ((b.loss_pct ?? 0) * n + s.loss) / (n + 1),
    rtt_min_ms: pick(b.rtt_min_ms, s.min, Math.min),
    rtt_max_ms: pick(b.rtt_max_ms, s.max, Math.max),
    rtt_avg_ms: pick(b.rtt_avg_ms, s.avg, (a, v) => (a * n + v) / (n + 1)),
    rtt_p95_ms: pick(b.rtt_p95_ms, s.p95, Math.max),
  };
}

/** Time ranges offered above the chart, 1 hour to 30 days. */
export const RANGES: readonly { key: string; label: string; seconds: number }[] = [
  { key: '1h', label: '1 h', seconds: 3_600 },
  { key: '6h', label: '6 h', seconds: 6 * 3_600 },
  { key: '24h', label: '24 h', seconds: 86_400 },
  { key: '7d', label: '7 d', seconds: 7 * 86_400 },
  { key: '30d', label: '30 d', seconds: 30 * 86_400 },
];
