import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TrafficsimPayload } from '@netwatcher/shared';
import { decodePacket, EMPTY_VIEW, encodePacket, Kind, type ServerView } from './trafficsim.codec';
import { direction, FlowCounter, lossPct, mos, round, summariseRtts } from './trafficsim.stats';

export interface FlowOptions {
  address: string;
  port: number;
  keyId: number;
  key: Buffer;
  ratePps: number;
  packetSize: number;
  durationSec: number;
  /** How long to wait for answers after the last packet, and for each stats answer. */
  timeoutSec: number;
}

/** The figures of one run, before the payload's descriptive fields are added. */
export type FlowFigures = Omit<TrafficsimPayload, 'target' | 'peer_agent_id' | 'interval_sec' | 'duration_sec' | 'rate_pps' | 'packet_size'>;

const STATS_ATTEMPTS = 3;

/**
 * One TRAFFICSIM run: sends rate × duration signed packets on a fixed schedule, counts the
 * answers, then asks the server what it saw (the upstream direction). Never throws for network
 * trouble: an unreachable server is 100 % loss.
 */
export async function runFlow(o: FlowOptions, signal: AbortSignal): Promise<FlowFigures> {
  const total = Math.max(1, Math.round(o.ratePps * o.durationSec));
  // Epoch ms with sub-millisecond resolution that cannot step during the run: anchored to the
  // wall clock once (the server checks freshness against its wall clock), monotonic after that.
  const anchor = Date.now() - performance.now();
  const epochMs = () => anchor + performance.now();
  const session = randomInt(1, 0xffff_ffff);
  const sentAt = new Float64Array(total);
  const answers = new FlowCounter(total);
  const roundTrip = new FlowCounter(total);
  const rtts: number[] = [];
  let lastView: ServerView = EMPTY_VIEW;
  let statsView: ServerView | null = null;
  let statsWaiter: (() => void) | null = null;
  let sent = 0;

  const socket = await open(isIP(o.address) === 6 ? 'udp6' : 'udp4');
  socket.on('message', (msg: Buffer) => {
    const now = epochMs();
    const decoded = decodePacket(msg, o.key);
    if (!decoded.ok) return;
    const p = decoded.packet;
    if (p.keyId !== o.keyId || p.session !== session) return;
    if (p.kind === Kind.StatsAnswer) {
      statsView = p.server;
      statsWaiter?.();
      return;
    }
    if (p.kind !== Kind.Echo || p.seq >= sent) return;
    // Downstream transit: answer time on the server's clock to arrival on ours (offset cancels).
    const kind = answers.add(p.seq, now - p.serverTimeMs);
    if (kind !== 'new') return;
    const rtt = now - sentAt[p.seq];
    roundTrip.add(p.seq, rtt);
    rtts.push(rtt);
    if (p.server.received > lastView.received) lastView = p.server;
  });

  try {
    const start = performance.now();
    const gapMs = 1000 / o.ratePps;
    while (sent < total && !signal.aborted) {
      const due = start + sent * gapMs;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait, signal);
      // Catch up on everything due (timers are coarse at high rates); the schedule does not drift.
      while (sent < total && start + sent * gapMs <= performance.now()) {
        const seq = sent++;
        sentAt[seq] = epochMs();
        const packet = encodePacket(
          { kind: Kind.Probe, keyId: o.keyId, session, seq, clientTimeMs: sentAt[seq], serverTimeMs: 0, server: EMPTY_VIEW },
          o.key,
          o.packetSize,
        );
        socket.send(packet, o.port, o.address, () => undefined);
      }
    }
    // Answers still in flight: wait up to the timeout, less if all came back.
    const deadline = performance.now() + o.timeoutSec * 1000;
    while (answers.received < sent && performance.now() < deadline && !signal.aborted) await sleep(20, signal);

    for (let attempt = 1; attempt <= STATS_ATTEMPTS && statsView === null && !signal.aborted; attempt++) {
      const request = encodePacket(
        { kind: Kind.StatsRequest, keyId: o.keyId, session, seq: attempt, clientTimeMs: epochMs(), serverTimeMs: 0, server: EMPTY_VIEW },
        o.key,
        o.packetSize,
      );
      const answered = new Promise<void>((resolve) => (statsWaiter = resolve));
      socket.send(request, o.port, o.address, () => undefined);
      await Promise.race([answered, sleep(Math.min(1000, o.timeoutSec * 1000), signal)]);
    }
  } finally {
    socket.close();
  }
  return figures(sent, answers, roundTrip, rtts, statsView ?? (lastView.received > 0 ? lastView : null), statsView !== null);
}

/**
 * Pure: the payload figures from the counters. The server's stats answer is its final view; if it
 * never came, the last echo's view stands in, and the upstream packets it can speak for are those
 * up to the highest sequence it had seen (later ones are unknown, not lost).
 */
export function figures(
  sent: number,
  answers: FlowCounter,
  roundTrip: FlowCounter,
  rtts: readonly number[],
  server: ServerView | null,
  final: boolean,
): FlowFigures {
  const rtt = summariseRtts(rtts);
  const received = answers.received;
  const rtJitter = roundTrip.jitterMs() === null ? null : round(roundTrip.jitterMs() as number);
  const upstream = server
    ? direction(
        {
          sent: final ? sent : Math.min(sent, server.seqEnd),
          received: server.received,
          outOfOrder: server.outOfOrder,
          duplicates: server.duplicates,
          jitterMs: server.received >= 2 ? server.jitterUs / 1000 : null,
        },
        rtt,
      )
    : null;
  // Every new packet the server received was answered once, so it sent `server.received` answers.
  const downstream = server
    ? direction(
        { sent: Math.max(server.received, received), received, outOfOrder: answers.outOfOrder, duplicates: answers.duplicates, jitterMs: answers.jitterMs() },
        rtt,
      )
    : null;
  const loss = lossPct(sent, received);
  const directions = [upstream?.mos, downstream?.mos].filter((m): m is number => typeof m === 'number');
  return {
    sent,
    received,
    loss_pct: loss,
    rtt_min_ms: rtt.min,
    rtt_avg_ms: rtt.avg,
    rtt_max_ms: rtt.max,
    jitter_ms: rtJitter,
    out_of_order: roundTrip.outOfOrder,
    duplicates: answers.duplicates,
    // The call is as good as its worse leg; without the server's view, from the round trip.
    mos: directions.length > 0 ? Math.min(...directions) : rtt.avg === null ? null : mos(rtt.avg / 2, rtJitter ?? 0, loss),
    upstream,
    downstream,
  };
}

function open(type: 'udp4' | 'udp6'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(type);
    socket.once('error', reject);
    socket.bind(0, () => {
      socket.off('error', reject);
      // ICMP port unreachable and the like: lost packets, counted as such, never a crash.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
