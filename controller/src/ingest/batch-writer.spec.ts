import { BatchWriter, ResultSink, WriterBusy } from './batch-writer';
import type { ProbeResultRow } from '../probe-results/probe-result.row';

function row(id: string, createdAt = '2026-01-01 00:00:00.000'): ProbeResultRow {
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
    created_at: createdAt,
    loss_pct: 0,
    rtt_min_ms: 1,
    rtt_avg_ms: 1,
    rtt_max_ms: 1,
    jitter_ms: 0,
    download_mbps: null,
    upload_mbps: null,
    mos: null,
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

  describe('store lookups', () => {
    const START = '2026-06-01 00:00:00.000';

    it('does not ask the store about results measured after start-up (nothing earlier can hold them)', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink, { freshAfter: START });
      await writer.write([row('f1', '2026-06-01 00:00:01.000'), row('f2', '2026-06-01 00:00:02.000')]);
      await writer.write([row('f1', '2026-06-01 00:00:01.000')]);
      expect(sink.lookups).toBe(0);
      expect(sink.stored.size).toBe(2);
    });

    it('asks the store about results measured before start-up (a replay after a restart)', async () => {
      const sink = new MemorySink();
      await new BatchWriter(sink).write([row('old', '2026-05-31 23:59:00.000')]);
      const restarted = new BatchWriter(sink, { freshAfter: START });
      const outcome = await restarted.write([row('old', '2026-05-31 23:59:00.000'), row('new', '2026-06-01 00:00:05.000')]);
      expect(outcome.duplicates).toEqual(['old']);
      expect(outcome.inserted.map((r) => r.id)).toEqual(['new']);
      expect(sink.lookups).toBe(2);
    });

    it('asks again about anything as old as an id it has forgotten', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink, { freshAfter: START, recentIdCapacity: 2 });
      await writer.write([row('a', '2026-06-01 00:00:01.000')]);
      await writer.write([row('b', '2026-06-01 00:00:02.000')]);
      await writer.write([row('c', '2026-06-01 00:00:03.000')]); // forgets a
      expect(sink.lookups).toBe(0);
      const again = await writer.write([row('a', '2026-06-01 00:00:01.000')]);
      expect(again).toEqual({ inserted: [], duplicates: ['a'] });
      expect(sink.lookups).toBe(1);
      expect(sink.stored.size).toBe(3);
    });
  });

  describe('what the store held at start-up (storedUntil)', () => {
    it('an empty store: every result is fresh, no lookup even for results measured just now', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink); // default: start-up + clock skew
      writer.storedUntil('');
      const { fresh, outcome } = writer.submit([row('a', '2026-06-01 00:00:01.000')]);
      expect(fresh.map((r) => r.id)).toEqual(['a']);
      await outcome;
      expect(sink.lookups).toBe(0);
    });

    it('asks the store about results up to its newest created_at, not after it', async () => {
      const sink = new MemorySink();
      await new BatchWriter(sink).write([row('old', '2026-06-01 00:00:05.000')]);
      const lookupsBefore = sink.lookups;
      const restarted = new BatchWriter(sink);
      restarted.storedUntil('2026-06-01 00:00:05.000');
      const replay = restarted.submit([row('old', '2026-06-01 00:00:05.000')]);
      const next = restarted.submit([row('new', '2026-06-01 00:00:05.001')]);
      expect(replay.fresh).toEqual([]);
      expect(next.fresh.map((r) => r.id)).toEqual(['new']);
      expect(await replay.outcome).toEqual({ inserted: [], duplicates: ['old'] });
      expect((await next.outcome).inserted.map((r) => r.id)).toEqual(['new']);
      expect(sink.lookups - lookupsBefore).toBe(1); // the replay's batch only
    });
  });

  describe('fresh rows (shown live before the write lands)', () => {
    const START = '2026-06-01 00:00:00.000';
    const later = '2026-06-01 00:00:01.000';

    it('names a row fresh only when nothing stored, queued or remembered can hold its id', async () => {
      const sink = new MemorySink();
      await new BatchWriter(sink).write([row('stored-before', '2026-05-31 23:00:00.000')]);
      const writer = new BatchWriter(sink, { freshAfter: START });
      await writer.write([row('remembered', later)]);
      const first = writer.submit([row('new', later), row('remembered', later), row('stored-before', '2026-05-31 23:00:00.000')]);
      const second = writer.submit([row('new', later)]); // the same id while the first is queued
      expect(first.fresh.map((r) => r.id)).toEqual(['new']);
      expect(second.fresh).toEqual([]);
      const [a, b] = await Promise.all([first.outcome, second.outcome]);
      expect(a.inserted.map((r) => r.id)).toEqual(['new']);
      expect(a.duplicates.sort()).toEqual(['remembered', 'stored-before']);
      expect(b).toEqual({ inserted: [], duplicates: ['new'] });
    });

    it('every fresh row is stored by that same write', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink, { freshAfter: START });
      const submissions = Array.from({ length: 20 }, (_, i) => writer.submit([row(`r${i}`, later), row(`r${(i + 1) % 20}`, later)]));
      const outcomes = await Promise.all(submissions.map((s) => s.outcome));
      submissions.forEach((s, i) => {
        const inserted = new Set(outcomes[i].inserted.map((r) => r.id));
        for (const r of s.fresh) expect(inserted.has(r.id)).toBe(true);
      });
      expect(submissions.flatMap((s) => s.fresh).length).toBe(20);
      expect(sink.stored.size).toBe(20);
    });
  });

  describe('bounded queue', () => {
    it('refuses a write that would overfill the queue, takes none of it, and accepts again once drained', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink, { maxQueuedRows: 5 });
      const first = writer.write([row('a1')]); // starts flushing at once: no longer queued
      const queued = writer.write([row('b1'), row('b2'), row('b3'), row('b4')]);
      expect(() => writer.submit([row('c1'), row('c2')])).toThrow(WriterBusy);
      await Promise.all([first, queued]);
      expect([...sink.stored.keys()].sort()).toEqual(['a1', 'b1', 'b2', 'b3', 'b4']);
      const retry = await writer.write([row('c1'), row('c2')]);
      expect(retry.inserted).toHaveLength(2);
    });

    it('takes a single write larger than the bound when nothing is queued (one post always fits)', async () => {
      const sink = new MemorySink();
      const writer = new BatchWriter(sink, { maxQueuedRows: 2 });
      const outcome = await writer.write([row('x1'), row('x2'), row('x3')]);
      expect(outcome.inserted).toHaveLength(3);
    });
  });
});
