/** Latency summaries: nearest-rank percentiles over the raw samples (no interpolation, no buckets). */
export interface Summary {
  n: number;
  min: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v);

export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    min: round(sorted[0] ?? NaN),
    median: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    mean: round(sorted.length ? sum / sorted.length : NaN),
  };
}

export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Times `reps` sequential calls of `fn`; the first (cold) call is reported on its own and excluded. */
export async function timeRepeated(reps: number, fn: (i: number) => Promise<unknown>): Promise<Summary & { cold_ms: number }> {
  let t = performance.now();
  await fn(0);
  const cold = performance.now() - t;
  const samples: number[] = [];
  for (let i = 1; i <= reps; i++) {
    t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return { ...summarize(samples), cold_ms: round(cold) };
}

export { round };
