import { BatchWriter, ResultSink } from './batch-writer';
import type { ProbeResultRow } from './probe-result.row';

function row(id: string): ProbeResultRow {
  return {
    id,
    workspace_id: 1,
    probe_id: 1,
    agent_id: 1,
    probe_agent_id: 1,
    type: 'PING',
    target: 't',
    target_agent: 0,
    triggered: false,
    triggered_reason: '',
    created_at: '2026-01-01 00:00:00.000',
    loss_pct: 0,
    rtt_min_ms: 1,
    rtt_avg_ms: 1,
    rtt_max_ms: 1,
    jitter_ms: 0,
    payload: '{}',
  };
}

/** An in-memory sink standing in for ClickHouse: this unit test is about batching logic only. */
class MemorySink implements ResultSink {
  stored = new Map<string, ProbeResultRow>();
  inserts: number[] = [];
  lookups = 0;
  failNext = false;
  async existingIds(rows: readonly ProbeResultRow[]) {
    this.lookups++;
    return new Set(rows.filter((r) => this.stored.has(r.id)).map((r) => r.id));
  }
  async insert(rows: readonly ProbeResultRow[]) {
    await new Promise((r) => setImmediate(r));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('store down');
    }
    this.inserts.push(rows.length);
    for (const r of rows) this.stored.set(r.id, r);
  }
}

describe('BatchWriter', () => {
  it('coalesces writes that arrive during a flush into one insert', async () => {
    const sink = new MemorySink();
    const writer = new BatchWriter(sink);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => writer.write([row(`a${i}`)])));
    expect(outcomes.every((o) => o.inserted.length === 1)).toBe(true);
    expect(sink.stored.size).toBe(50);
    expect(sink.inserts.length).toBeLessThanOrEqual(2);
  });

  it('stores a re-delivered id once and reports it as a duplicate', async () => {
    const sink = new MemorySink();
    const writer = new BatchWriter(sink);
    await writer.write([row('x'), row('y')]);
    const again = await writer.write([row('x'), row('z')]);
    expect(again.inserted.map((r) => r.id)).toEqual(['z']);
    expect(again.duplicates).toEqual(['x']);
    expect([...sink.stored.keys()].sort()).toEqual(['x', 'y', 'z']);
  });

  it('finds duplicates in the store when they are no longer in memory (restart)', async () => {
    const sink = new MemorySink();
    await new BatchWriter(sink).write([row('old')]);
    const fresh = new BatchWriter(sink, { recentIdCapacity: 0 });
    const outcome = await fresh.write([row('old')]);
    expect(outcome).toEqual({ inserted: [], duplicates: ['old'] });
    expect(sink.stored.size).toBe(1);
  });

  it('gives a duplicated id within one batch to exactly one writer', async () => {
    const sink = new MemorySink();
    const writer = new BatchWriter(sink);
    const [a, b] = await Promise.all([writer.write([row('same')]), writer.write([row('same')])]);
    expect(a.inserted.length + b.inserted.length).toBe(1);
    expect(sink.stored.size).toBe(1);
  });

  it('rejects every write of a failed flush and stores nothing, then recovers', async () => {
    const sink = new MemorySink();
    const writer = new BatchWriter(sink);
    sink.failNext = true;
    await expect(writer.write([row('f1')])).rejects.toThrow('store down');
    expect(sink.stored.size).toBe(0);
    const retry = await writer.write([row('f1')]);
    expect(retry.inserted).toHaveLength(1);
  });

  it('splits a backlog larger than one insert allows', async () => {
    const sink = new MemorySink();
    const writer = new BatchWriter(sink, { maxRowsPerInsert: 10 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => writer.write(Array.from({ length: 6 }, (_, j) => row(`${i}-${j}`)))));
    expect(sink.stored.size).toBe(30);
    expect(Math.max(...sink.inserts)).toBeLessThanOrEqual(10);
  });
});
