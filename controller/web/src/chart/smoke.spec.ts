import type { ProbeResult } from '@netwatcher/shared';
import type { ChartBucket, ChartView } from '../api/types';
import { LOSS_STEPS, liveSample, lossClass, mergeSample, shapeSmoke } from './smoke';

const bucket = (iso: string, over: Partial<ChartBucket> = {}): ChartBucket => ({
  bucket: iso,
  samples: 1,
  loss_pct: 0,
  rtt_min_ms: 1,
  rtt_avg_ms: 2,
  rtt_max_ms: 4,
  rtt_p95_ms: 3,
  jitter_ms: 0.5,
  download_mbps: null,
  upload_mbps: null,
  ...over,
});
const gap = (iso: string): ChartBucket =>
  bucket(iso, { samples: 0, loss_pct: null, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, rtt_p95_ms: null, jitter_ms: null });

const view = (data: ChartBucket[], bucketSeconds = 60): ChartView => ({
  probe_id: 7,
  type: 'PING',
  from: data[0].bucket,
  to: new Date(Date.parse(data[0].bucket) + data.length * bucketSeconds * 1000).toISOString(),
  bucket_seconds: bucketSeconds,
  source: 'raw',
  data,
});

describe('shapeSmoke', () => {
  it('turns buckets into x in Unix seconds, the average line and the smoke bands', () => {
    const s = shapeSmoke([bucket('2026-01-01T00:00:00.000Z'), bucket('2026-01-01T00:01:00.000Z', { rtt_avg_ms: 5, rtt_max_ms: 9, rtt_p95_ms: 8 })]);
    expect(s.x).toEqual([1767225600, 1767225660]);
    expect(s.line).toEqual([2, 5]);
    expect(s.min).toEqual([1, 1]);
    expect(s.p95).toEqual([3, 8]);
    expect(s.max).toEqual([4, 9]);
  });

  it('leaves gaps empty and never draws total loss as a 0 ms dip', () => {
    const s = shapeSmoke([
      gap('2026-01-01T00:00:00.000Z'),
      bucket('2026-01-01T00:01:00.000Z', { loss_pct: 100, rtt_min_ms: null, rtt_avg_ms: null, rtt_max_ms: null, rtt_p95_ms: null }),
    ]);
    expect(s.line).toEqual([null, null]);
    expect(s.min).toEqual([null, null]);
    expect(s.loss).toEqual([null, 100]);
    expect(s.lossClass).toEqual([-1, LOSS_STEPS.length - 1]);
  });

  it('keeps the p95 band inside min…max', () => {
    const s = shapeSmoke([bucket('2026-01-01T00:00:00.000Z', { rtt_p95_ms: 4.2, rtt_max_ms: 4 })]);
    expect(s.p95).toEqual([4]);
  });
});

describe('lossClass', () => {
  it.each([
    [0, 0],
    [0.5, 1],
    [2, 1],
    [3, 2],
    [10, 3],
    [20, 4],
    [50, 4],
    [51, 5],
    [100, 5],
  ])('%p %% loss is step %p', (loss, step) => {
    expect(lossClass(loss)).toBe(step);
  });

  it('has no colour for a bucket without samples', () => {
    expect(lossClass(null)).toBe(-1);
    expect(lossClass(0, 0)).toBe(-1);
  });
});

describe('live samples', () => {
  const ping = (createdAt: string, loss: number, rtts: [number, number, number, number] | null): ProbeResult => ({
    id: '00000000-0000-4000-8000-000000000001',
    probe_id: 7,
    created_at: createdAt,
    target: '127.0.0.1',
    target_agent: 0,
    triggered: false,
    triggered_reason: '',
    type: 'PING',
    payload: {
      target: '127.0.0.1', address: '127.0.0.1', sent: 4, received: 4, loss_pct: loss,
      rtt_min_ms: rtts?.[0] ?? null, rtt_avg_ms: rtts?.[1] ?? null, rtt_max_ms: rtts?.[2] ?? null, rtt_p95_ms: rtts?.[3] ?? null,
      rtt_stddev_ms: null, jitter_ms: null, rtt_p50_ms: null, rtt_p99_ms: null, rtts_ms: [],
    },
  });

  it('reads an MTR result by its last hop and ignores types without a chart', () => {
    const mtr = {
      ...ping('2026-01-01T00:00:10.000Z', 0, null),
      type: 'MTR' as const,
      payload: { target: 'x', hops: [
        { hop: 1, address: '10.0.0.1', hostname: null, loss_pct: 0, sent: 5, last_ms: 1, avg_ms: 1, best_ms: 1, worst_ms: 1, stddev_ms: 0 },
        { hop: 2, address: '10.0.0.2', hostname: null, loss_pct: 20, sent: 5, last_ms: 9, avg_ms: 8, best_ms: 7, worst_ms: 12, stddev_ms: 1 },
      ] },
    };
    expect(liveSample(mtr)).toEqual({ at: Date.parse('2026-01-01T00:00:10.000Z'), loss: 20, min: 7, avg: 8, max: 12, p95: 12 });
    // A result type the smoke chart does not draw (its payload is beside the point here).
    expect(liveSample({ ...mtr, type: 'SYSINFO', payload: {} } as unknown as Parameters<typeof liveSample>[0])).toBeNull();
  });

  it('adds a sample to its bucket: counts, loss and average exact, min/max widened', () => {
    const v = view([bucket('2026-01-01T00:00:00.000Z'), bucket('2026-01-01T00:01:00.000Z')]);
    const merged = mergeSample(v, liveSample(ping('2026-01-01T00:01:30.000Z', 50, [0.5, 4, 10, 9]))!);
    expect(merged.data[1]).toEqual(expect.objectContaining({ samples: 2, loss_pct: 25, rtt_min_ms: 0.5, rtt_avg_ms: 3, rtt_max_ms: 10, rtt_p95_ms: 9 }));
    expect(merged.data[0]).toBe(v.data[0]);
    expect(v.data[1].samples).toBe(1);
  });

  it('fills an empty bucket with the first sample, and total loss adds loss but no RTT', () => {
    const v = view([gap('2026-01-01T00:00:00.000Z')]);
    const lost = mergeSample(v, liveSample(ping('2026-01-01T00:00:30.000Z', 100, null))!);
    expect(lost.data[0]).toEqual(expect.objectContaining({ samples: 1, loss_pct: 100, rtt_avg_ms: null }));
    const back = mergeSample(lost, liveSample(ping('2026-01-01T00:00:40.000Z', 0, [1, 2, 3, 3]))!);
    expect(back.data[0]).toEqual(expect.objectContaining({ samples: 2, loss_pct: 50, rtt_avg_ms: 2, rtt_min_ms: 1 }));
  });

  it('slides the window forward for a sample past its end and ignores one before its start', () => {
    const v = view([bucket('2026-01-01T00:00:00.000Z'), bucket('2026-01-01T00:01:00.000Z'), bucket('2026-01-01T00:02:00.000Z')]);
    const moved = mergeSample(v, liveSample(ping('2026-01-01T00:04:05.000Z', 0, [1, 1, 1, 1]))!);
    expect(moved.data.map((b) => b.bucket)).toEqual(['2026-01-01T00:02:00.000Z', '2026-01-01T00:03:00.000Z', '2026-01-01T00:04:00.000Z']);
    expect(moved.from).toBe('2026-01-01T00:02:00.000Z');
    expect(moved.to).toBe('2026-01-01T00:05:00.000Z');
    expect(moved.data[1].samples).toBe(0);
    expect(moved.data[2].samples).toBe(1);
    expect(mergeSample(v, liveSample(ping('2025-12-31T23:59:00.000Z', 0, [1, 1, 1, 1]))!)).toBe(v);
  });
});
