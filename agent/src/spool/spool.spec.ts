import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { ProbeResult } from '@netwatcher/shared';
import { AgentExit } from '../exit-codes';
import { Spool, SPOOL_FILE, SPOOL_LOCK } from './spool';
import { spoolLockName } from './spool-lock';

function result(n: number): ProbeResult {
  return {
    id: randomUUID(),
    probe_id: 1 + (n % 3),
    type: 'SYSINFO',
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    target: '',
    target_agent: 0,
    triggered: false,
    triggered_reason: '',
    payload: { n } as unknown as ProbeResult['payload'],
  } as ProbeResult;
}

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

const silent = pino({ level: 'silent' });
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nw-spool-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lineCount = (): number => readFileSync(join(dir, SPOOL_FILE), 'utf8').split('\n').filter(Boolean).length;

describe('Spool', () => {
  it('keeps every added result across an instance dropped without close (crash)', async () => {
    const a = await Spool.open(dir, { log: silent });
    const batch1 = [result(1), result(2)];
    const batch2 = [result(3)];
    await a.add(batch1);
    await a.add(batch2);
    // No close(): the process "dies" here. A new instance must see everything, oldest first.
    const b = await Spool.open(dir, { log: silent });
    expect(b.size).toBe(3);
    expect(await b.readPending(10)).toEqual([...batch1, ...batch2]);
    await b.close();
  });

  it('forgets acked results, also after reopening, and ignores unknown ids', async () => {
    const s = await Spool.open(dir, { log: silent });
    const rs = [result(1), result(2), result(3)];
    await s.add(rs);
    expect(await s.ack([rs[1].id, 'not-in-spool'])).toBe(1);
    expect(await s.ack(['not-in-spool'])).toBe(0);
    expect((await s.readPending(10)).map((r) => r.id)).toEqual([rs[0].id, rs[2].id]);
    await s.close();
    const again = await Spool.open(dir, { log: silent });
    expect((await again.readPending(10)).map((r) => r.id)).toEqual([rs[0].id, rs[2].id]);
    await again.close();
  });

  it('reads pending results in batches, skipping ids in flight', async () => {
    const s = await Spool.open(dir, { log: silent });
    const rs = Array.from({ length: 5 }, (_, i) => result(i));
    await s.add(rs);
    const first = await s.readPending(2);
    expect(first.map((r) => r.id)).toEqual([rs[0].id, rs[1].id]);
    const next = await s.readPending(2, new Set(first.map((r) => r.id)));
    expect(next.map((r) => r.id)).toEqual([rs[2].id, rs[3].id]);
    await s.close();
  });

  it('cuts off a torn last line left by a crash mid-write and keeps appending cleanly', async () => {
    const { log, lines } = capturingLogger();
    const s = await Spool.open(dir, { log: silent });
    const kept = result(1);
    await s.add([kept]);
    appendFileSync(join(dir, SPOOL_FILE), '{"op":"add","r":{"id":"half-writ');
    const reopened = await Spool.open(dir, { log });
    expect(reopened.size).toBe(1);
    expect(lines.some((l) => l.msg === 'spool had damaged records; they were skipped')).toBe(true);
    const later = result(2);
    await reopened.add([later]);
    await reopened.close();
    const third = await Spool.open(dir, { log: silent });
    expect((await third.readPending(10)).map((r) => r.id)).toEqual([kept.id, later.id]);
    await third.close();
  });

  it('compacts by atomic rewrite once acked records dominate', async () => {
    const { log, lines } = capturingLogger();
    const s = await Spool.open(dir, { log, compactMinDead: 10 });
    const rs = Array.from({ length: 20 }, (_, i) => result(i));
    await s.add(rs);
    await s.ack(rs.slice(0, 8).map((r) => r.id)); // 9 dead lines vs 12 live: not yet
    expect(lineCount()).toBe(21);
    await s.ack(rs.slice(8, 15).map((r) => r.id)); // 17 dead vs 5 live: rewrite
    expect(lines.some((l) => l.msg === 'spool compacted')).toBe(true);
    expect(lineCount()).toBe(5);
    expect(statSync(join(dir, SPOOL_FILE)).mode & 0o777).toBe(0o600);
    // The handle and offsets after compaction are right: reads, appends and a reopen agree.
    const extra = result(99);
    await s.add([extra]);
    expect((await s.readPending(10)).map((r) => r.id)).toEqual([...rs.slice(15), extra].map((r) => r.id));
    const reopened = await Spool.open(dir, { log: silent });
    expect((await reopened.readPending(10)).map((r) => r.id)).toEqual([...rs.slice(15), extra].map((r) => r.id));
    await reopened.close();
  });

  it('is bounded: drops the oldest with one warn line carrying the count', async () => {
    const { log, lines } = capturingLogger();
    const s = await Spool.open(dir, { log, maxRecords: 10 });
    const rs = Array.from({ length: 15 }, (_, i) => result(i));
    await s.add(rs.slice(0, 8));
    await s.add(rs.slice(8, 15)); // 15 > 10: the 5 oldest go
    expect(s.size).toBe(10);
    expect((await s.readPending(20)).map((r) => r.id)).toEqual(rs.slice(5).map((r) => r.id));
    const warns = lines.filter((l) => l.level === 40);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ dropped: 5, max: 10, msg: 'spool full: dropped the oldest unacked results' });
    await s.close();
    const reopened = await Spool.open(dir, { log: silent, maxRecords: 10 });
    expect(reopened.size).toBe(10);
    await reopened.close();
  });

  it('keeps only the newest when one batch alone exceeds the bound', async () => {
    const { log, lines } = capturingLogger();
    const s = await Spool.open(dir, { log, maxRecords: 3 });
    const rs = Array.from({ length: 5 }, (_, i) => result(i));
    await s.add(rs);
    expect((await s.readPending(10)).map((r) => r.id)).toEqual(rs.slice(2).map((r) => r.id));
    expect(lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ dropped: 2 })]);
    await s.close();
  });

  it('refuses a directory whose lock another live process holds, and takes it once that process is killed', async () => {
    // Another agent: a process listening on the directory's lock socket, then killed with SIGKILL
    // (no clean-up runs): the kernel frees the lock with the process.
    const name = Buffer.from(await spoolLockName(join(dir, SPOOL_LOCK))).toString('hex');
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen({ path: Buffer.from('${name}', 'hex').toString() }, () => console.log('held'))`]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    writeFileSync(join(dir, SPOOL_LOCK), `${holder.pid}\n`);
    await expect(Spool.open(dir, { log: silent })).rejects.toThrow(`is in use by another agent (pid ${holder.pid})`);
    await expect(Spool.open(dir, { log: silent })).rejects.toBeInstanceOf(AgentExit);
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const s = await Spool.open(dir, { log: silent });
    await s.close();
    expect(() => statSync(join(dir, SPOOL_LOCK))).toThrow();
  });

  it('is not kept down by a stale spool.lock, whether its pid is dead or now belongs to another live process', async () => {
    const other = spawn('sleep', ['30']);
    try {
      // The pid of a crashed agent reused by an unrelated process: the old pid-file lock refused
      // to start here (exit 2, which systemd does not restart).
      writeFileSync(join(dir, SPOOL_LOCK), `${other.pid}\n`);
      const s = await Spool.open(dir, { log: silent });
      await s.add([result(1)]);
      await s.close();
    } finally {
      other.kill('SIGKILL');
    }
    await new Promise((r) => other.once('exit', r));
    writeFileSync(join(dir, SPOOL_LOCK), `${other.pid}\n`); // now a dead pid
    const s = await Spool.open(dir, { log: silent });
    expect(s.size).toBe(1);
    expect(readFileSync(join(dir, SPOOL_LOCK), 'utf8')).toBe(`${process.pid}\n`);
    await s.close();
  });
});

describe('Spool damage', () => {
  it('drops a record damaged on disk while running instead of blocking the queue', async () => {
    const { log, lines } = capturingLogger();
    const s = await Spool.open(dir, { log });
    const rs = [result(1), result(2), result(3)];
    await s.add(rs);
    // Damage the second record in place, same length, so the offsets stay valid.
    const path = join(dir, SPOOL_FILE);
    const text = readFileSync(path, 'utf8').split('\n');
    text[1] = text[1].replace('"probe_id":', '"probe_id"#');
    writeFileSync(path, text.join('\n'));
    expect((await s.readPending(10)).map((r) => r.id)).toEqual([rs[0].id, rs[2].id]);
    expect(s.size).toBe(2);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'unreadable spool records dropped', damaged: 1 }));
    await s.close();
    const reopened = await Spool.open(dir, { log: silent });
    expect((await reopened.readPending(10)).map((r) => r.id)).toEqual([rs[0].id, rs[2].id]);
    await reopened.close();
  });
});
