import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ProbeResult } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { Spool } from '../spool/spool';
import { ResultSender, type ResultChannel } from './result-sender';

function result(): ProbeResult {
  return { id: randomUUID(), probe_id: 1, type: 'SYSINFO', created_at: new Date().toISOString(), target: '', target_agent: 0, triggered: false, triggered_reason: '', payload: {} } as unknown as ProbeResult;
}

class FakeChannel implements ResultChannel {
  connected = true;
  posts: ProbeResult[][] = [];
  post(results: ProbeResult[]): void {
    this.posts.push(results);
  }
  get sentIds(): string[] {
    return this.posts.flat().map((r) => r.id);
  }
}

const silent = pino({ level: 'silent' });
let dir: string;
let spool: Spool;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nw-sender-'));
  spool = await Spool.open(dir, { log: silent });
});
afterEach(async () => {
  await spool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ResultSender', () => {
  it('sends oldest first in bounded batches with a bounded number in flight', async () => {
    const rs = Array.from({ length: 25 }, result);
    await spool.add(rs);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, silent, { batchSize: 4, maxInFlight: 3 });
    sender.onConnected();
    await sender.whenPumped();
    expect(ch.posts.map((p) => p.length)).toEqual([4, 4, 4]);
    expect(ch.sentIds).toEqual(rs.slice(0, 12).map((r) => r.id));
    await sender.onAck({ ids: ch.posts[0].map((r) => r.id), rejected: [] });
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(4);
    expect(ch.posts[3].map((r) => r.id)).toEqual(rs.slice(12, 16).map((r) => r.id));
    expect(spool.size).toBe(21);
  });

  it('removes acked and rejected ids from the spool and logs each rejection once', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write(c: Buffer, _e, cb) { lines.push(JSON.parse(c.toString())); cb(); } }));
    const rs = Array.from({ length: 3 }, result);
    await spool.add(rs);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, log);
    sender.onConnected();
    await sender.whenPumped();
    await sender.onAck({ ids: [rs[0].id, rs[1].id], rejected: [{ id: rs[2].id, error: 'payload.loss_pct: too big' }] });
    await sender.whenPumped();
    expect(spool.size).toBe(0);
    expect(sender.inFlightCount).toBe(0);
    expect(lines).toEqual([expect.objectContaining({ result_id: rs[2].id, error: 'payload.loss_pct: too big' })]);
    expect(ch.posts).toHaveLength(1); // nothing re-sent
  });

  it('re-sends everything unacked, with the same ids, after a reconnect', async () => {
    const rs = Array.from({ length: 3 }, result);
    await spool.add(rs);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, silent);
    sender.onConnected();
    await sender.whenPumped();
    ch.connected = false;
    sender.onDisconnected();
    await spool.add([result()]);
    sender.pump();
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(1); // nothing sent while disconnected
    ch.connected = true;
    sender.onConnected();
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(2);
    expect(ch.posts[1].slice(0, 3).map((r) => r.id)).toEqual(rs.map((r) => r.id));
    expect(ch.posts[1]).toHaveLength(4);
  });

  it('sends a batch again when its ack does not come', async () => {
    await spool.add([result()]);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, silent, { ackTimeoutMs: 100 });
    sender.onConnected();
    await waitUntil('two posts', () => ch.posts.length >= 2, { everyMs: 5 });
    expect(new Set(ch.sentIds).size).toBe(1);
    await sender.onAck({ ids: ch.sentIds.slice(0, 1), rejected: [] });
    expect(await sender.waitIdle(500)).toBe(true);
  });

  it('after a busy refusal naming no post, sends everything unacked again once the asked delay has passed', async () => {
    const rs = Array.from({ length: 3 }, result);
    await spool.add(rs);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, silent, { ackTimeoutMs: 60_000 });
    sender.onConnected();
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(1);
    sender.onBusy(150);
    await spool.add([result()]);
    sender.pump();
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(1); // holds back while the controller is busy
    await waitUntil('exactly two posts', () => ch.posts.length === 2, { everyMs: 5 });
    expect(ch.posts[1].slice(0, 3).map((r) => r.id)).toEqual(rs.map((r) => r.id));
    expect(ch.posts[1]).toHaveLength(4);
    expect(spool.size).toBe(4);
  });

  it('after a busy refusal naming a post, sends only that post again, after the delay', async () => {
    const rs = Array.from({ length: 3 }, result);
    await spool.add(rs);
    const ch = new FakeChannel();
    const sender = new ResultSender(spool, ch, silent, { batchSize: 1, maxInFlight: 3, ackTimeoutMs: 60_000 });
    sender.onConnected();
    await sender.whenPumped();
    expect(ch.posts.map((p) => p[0].id)).toEqual(rs.map((r) => r.id));
    sender.onBusy(100, rs[1].id);
    expect(sender.inFlightCount).toBe(2);
    await waitUntil('exactly four posts', () => ch.posts.length === 4, { everyMs: 5 });
    expect(ch.posts[3].map((r) => r.id)).toEqual([rs[1].id]);
    await sender.whenPumped();
    expect(ch.posts).toHaveLength(4); // the other two stay in flight, not re-sent
    expect(sender.inFlightCount).toBe(3);
  });
});
