import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { decodePacket, encodePacket, Kind, peekKeyId, type Packet, type ServerView } from './trafficsim.codec';
import { FlowCounter } from './trafficsim.stats';

/**
 * Replay protection. A packet is answered only if its tag checks under a paired client's key, its
 * send time is within FRESHNESS_MS of this host's clock (a packet captured earlier is stale by
 * then), and its sequence number is new in its session (a packet replayed while still fresh is a
 * duplicate: counted, never answered). Stats requests carry their own rising counter.
 */
export const FRESHNESS_MS = 60_000;
/** A session idle this long is forgotten; longer than FRESHNESS_MS, so its packets are stale by then. */
const SESSION_IDLE_MS = 2 * FRESHNESS_MS;
/** Sessions remembered per client key (a client runs one at a time; a few for overlapping restarts). */
const SESSIONS_PER_KEY = 8;
/** Sequence numbers a session may use: the largest run the controller allows, with room. */
export const MAX_SEQ = 262_144;

interface Session {
  flow: FlowCounter;
  lastStatsSeq: number;
  lastSeenMs: number;
}

export interface ServerClock {
  /** Wall clock, ms since the epoch: the freshness check against the client's send time. */
  now(): number;
  /**
   * ms since the epoch with sub-millisecond resolution that never steps (anchored to the wall
   * clock once): arrival times for jitter and the time stamped in answers. Defaults to now().
   */
  precise?(): number;
}

/** The listener's clock: wall time for freshness, a monotonic clock anchored at start for timing. */
export function systemClock(): Required<ServerClock> {
  const anchor = Date.now() - performance.now();
  return { now: () => Date.now(), precise: () => anchor + performance.now() };
}

/** Counts of what the listener dropped, for logs and tests. */
export interface DropCounts {
  malformed: number;
  unknown_key: number;
  bad_tag: number;
  stale: number;
  replay: number;
  wrong_kind: number;
}

/**
 * The pure part of a TRAFFICSIM server: given a datagram, the answer to send, if any. Holds the
 * paired client keys and the per-session state; knows nothing about sockets.
 */
export class TrafficsimResponder {
  private keys = new Map<number, Buffer>();
  private readonly sessions = new Map<number, Map<number, Session>>();
  readonly drops: DropCounts = { malformed: 0, unknown_key: 0, bad_tag: 0, stale: 0, replay: 0, wrong_kind: 0 };

  constructor(private readonly clock: ServerClock = systemClock()) {}

  /** Replaces the paired keys; sessions of keys no longer paired are dropped. True when the set changed. */
  setKeys(keys: ReadonlyMap<number, Buffer>): boolean {
    const same = keys.size === this.keys.size && [...keys].every(([id, k]) => this.keys.get(id)?.equals(k));
    this.keys = new Map(keys);
    for (const id of [...this.sessions.keys()]) if (!this.keys.has(id)) this.sessions.delete(id);
    return !same;
  }

  get keyCount(): number {
    return this.keys.size;
  }

  /** The answer to a datagram, or null: anything not provably from a paired client gets nothing. */
  answer(datagram: Buffer): Buffer | null {
    const keyId = peekKeyId(datagram);
    if (keyId === null) return this.drop('malformed');
    const key = this.keys.get(keyId);
    if (!key) return this.drop('unknown_key');
    const decoded = decodePacket(datagram, key);
    if (!decoded.ok) return this.drop(decoded.reason);
    const p = decoded.packet;
    if (Math.abs(this.clock.now() - p.clientTimeMs) > FRESHNESS_MS) return this.drop('stale');
    const now = this.clock.precise?.() ?? this.clock.now();
    if (p.kind !== Kind.Probe && p.kind !== Kind.StatsRequest) return this.drop('wrong_kind');
    const session = this.session(keyId, p.session, now);
    if (p.kind === Kind.StatsRequest) {
      if (p.seq <= session.lastStatsSeq) return this.drop('replay');
      session.lastStatsSeq = p.seq;
      return this.reply(p, Kind.StatsAnswer, session, key, datagram.length, now);
    }
    // Transit on two clocks: their offset is constant over a run, and RFC 3550 only uses differences.
    if (session.flow.add(p.seq, now - p.clientTimeMs) !== 'new') return this.drop('replay');
    return this.reply(p, Kind.Echo, session, key, datagram.length, now);
  }

  private reply(p: Packet, kind: Kind, s: Session, key: Buffer, size: number, now: number): Buffer {
    const view: ServerView = {
      received: s.flow.received,
      duplicates: s.flow.duplicates,
      outOfOrder: s.flow.outOfOrder,
      seqEnd: s.flow.seqEnd,
      jitterUs: Math.round((s.flow.jitterMs() ?? 0) * 1000),
    };
    return encodePacket({ ...p, kind, serverTimeMs: now, server: view }, key, size);
  }

  private session(keyId: number, id: number, now: number): Session {
    let byKey = this.sessions.get(keyId);
    if (!byKey) this.sessions.set(keyId, (byKey = new Map()));
    for (const [sid, s] of byKey) if (now - s.lastSeenMs > SESSION_IDLE_MS) byKey.delete(sid);
    let s = byKey.get(id);
    if (!s) {
      // Oldest first in a Map: a key holder cannot grow this past SESSIONS_PER_KEY.
      while (byKey.size >= SESSIONS_PER_KEY) byKey.delete(byKey.keys().next().value as number);
      s = { flow: new FlowCounter(MAX_SEQ), lastStatsSeq: 0, lastSeenMs: now };
      byKey.set(id, s);
    }
    s.lastSeenMs = now;
    return s;
  }

  private drop(reason: keyof DropCounts): null {
    this.drops[reason]++;
    return null;
  }
}

/** A UDP listener around a responder. Binds IPv6 dual-stack, or IPv4 where IPv6 is unavailable. */
export class TrafficsimListener {
  private socket: Socket | null = null;
  readonly responder: TrafficsimResponder;

  constructor(
    readonly port: number,
    clock?: ServerClock,
  ) {
    this.responder = new TrafficsimResponder(clock);
  }

  async start(): Promise<void> {
    try {
      this.socket = await bind(createSocket({ type: 'udp6', ipv6Only: false }), '::', this.port);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw e;
      this.socket = await bind(createSocket('udp4'), '0.0.0.0', this.port);
    }
    const socket = this.socket;
    socket.on('message', (msg: Buffer, from: RemoteInfo) => {
      const out = this.responder.answer(msg);
      // A send error (peer gone, buffer full) is a lost answer, which the client counts as loss.
      if (out) socket.send(out, from.port, from.address, () => undefined);
    });
  }

  /** The bound port (the configured one, or the one the system chose for port 0 in tests). */
  boundPort(): number {
    return this.socket?.address().port ?? this.port;
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }
}

function bind(socket: Socket, address: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      socket.close();
      reject(e);
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      // Errors after binding (ICMP unreachable on send) must not crash the agent.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
