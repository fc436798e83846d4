import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The TRAFFICSIM datagram, big-endian, every packet the same layout:
 *
 *   0  u8   version (1)
 *   1  u8   kind: 1 probe (client → server), 2 echo (its answer), 3 stats request, 4 stats answer
 *   2  u16  reserved, 0
 *   4  u32  key id: which pair key signs the packet (the server looks the key up by it)
 *   8  u32  session: random per client run, so runs never share sequence space
 *  12  u32  sequence number (probes: 0, 1, 2 …; stats requests: their own counter)
 *  16  f64  client send time, ms since the epoch (the server refuses stale packets by it)
 *  24  f64  server time when it answered, ms since the epoch (answers only)
 *  32  u32  server: probes received (unique) in this session     ┐
 *  36  u32  server: duplicates                                   │ answers only: what the server
 *  40  u32  server: out of order                                 │ saw of the client's packets,
 *  44  u32  server: highest sequence seen + 1 (0: none)          │ the upstream direction
 *  48  u32  server: RFC 3550 jitter, microseconds                ┘
 *  52  u32  reserved, 0
 *  56  …    zero padding up to the configured packet size
 *  n-16     HMAC-SHA256 over bytes 0 … n-17 under the pair key, first 16 bytes
 *
 * 128 bits of tag are plenty against forgery for a measurement flow (RFC 2104 truncation to half
 * the hash output); the key id and session are inside the signed part, so a packet cannot be
 * moved to another pair or run.
 */
export const VERSION = 1;
export const HEADER_BYTES = 56;
export const TAG_BYTES = 16;
export const MIN_PACKET_BYTES = HEADER_BYTES + TAG_BYTES;
export const MAX_PACKET_BYTES = 65_507;

export const enum Kind {
  Probe = 1,
  Echo = 2,
  StatsRequest = 3,
  StatsAnswer = 4,
}

/** What the server counted of one client session; carried in every echo and stats answer. */
export interface ServerView {
  received: number;
  duplicates: number;
  outOfOrder: number;
  /** Highest sequence number seen + 1; 0 before the first packet. */
  seqEnd: number;
  jitterUs: number;
}

export interface Packet {
  kind: Kind;
  keyId: number;
  session: number;
  seq: number;
  clientTimeMs: number;
  serverTimeMs: number;
  server: ServerView;
}

export const EMPTY_VIEW: Readonly<ServerView> = { received: 0, duplicates: 0, outOfOrder: 0, seqEnd: 0, jitterUs: 0 };

function tagOf(key: Buffer, signed: Buffer): Buffer {
  return createHmac('sha256', key).update(signed).digest().subarray(0, TAG_BYTES);
}

const u32 = (n: number) => Math.max(0, Math.min(0xffff_ffff, Math.round(n))) >>> 0;

/** A signed packet of exactly `size` bytes. */
export function encodePacket(p: Packet, key: Buffer, size: number): Buffer {
  if (!Number.isInteger(size) || size < MIN_PACKET_BYTES || size > MAX_PACKET_BYTES) {
    throw new RangeError(`packet size must be ${MIN_PACKET_BYTES}–${MAX_PACKET_BYTES} bytes, got ${size}`);
  }
  const buf = Buffer.alloc(size);
  buf.writeUInt8(VERSION, 0);
  buf.writeUInt8(p.kind, 1);
  buf.writeUInt32BE(u32(p.keyId), 4);
  buf.writeUInt32BE(u32(p.session), 8);
  buf.writeUInt32BE(u32(p.seq), 12);
  buf.writeDoubleBE(p.clientTimeMs, 16);
  buf.writeDoubleBE(p.serverTimeMs, 24);
  buf.writeUInt32BE(u32(p.server.received), 32);
  buf.writeUInt32BE(u32(p.server.duplicates), 36);
  buf.writeUInt32BE(u32(p.server.outOfOrder), 40);
  buf.writeUInt32BE(u32(p.server.seqEnd), 44);
  buf.writeUInt32BE(u32(p.server.jitterUs), 48);
  tagOf(key, buf.subarray(0, size - TAG_BYTES)).copy(buf, size - TAG_BYTES);
  return buf;
}

/** The key id of a datagram, read before any check so the right key can be found; null if it is no packet of ours. */
export function peekKeyId(buf: Buffer): number | null {
  if (buf.length < MIN_PACKET_BYTES || buf.length > MAX_PACKET_BYTES || buf.readUInt8(0) !== VERSION) return null;
  return buf.readUInt32BE(4);
}

export type Decoded = { ok: true; packet: Packet } | { ok: false; reason: 'malformed' | 'bad_tag' };

/** Checks the tag (constant time) before trusting any field. */
export function decodePacket(buf: Buffer, key: Buffer): Decoded {
  if (peekKeyId(buf) === null) return { ok: false, reason: 'malformed' };
  const expected = tagOf(key, buf.subarray(0, buf.length - TAG_BYTES));
  if (!timingSafeEqual(expected, buf.subarray(buf.length - TAG_BYTES))) return { ok: false, reason: 'bad_tag' };
  const kind = buf.readUInt8(1);
  if (kind < Kind.Probe || kind > Kind.StatsAnswer) return { ok: false, reason: 'malformed' };
  const clientTimeMs = buf.readDoubleBE(16);
  const serverTimeMs = buf.readDoubleBE(24);
  if (!Number.isFinite(clientTimeMs) || !Number.isFinite(serverTimeMs)) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    packet: {
      kind: kind as Kind,
      keyId: buf.readUInt32BE(4),
      session: buf.readUInt32BE(8),
      seq: buf.readUInt32BE(12),
      clientTimeMs,
      serverTimeMs,
      server: {
        received: buf.readUInt32BE(32),
        duplicates: buf.readUInt32BE(36),
        outOfOrder: buf.readUInt32BE(40),
        seqEnd: buf.readUInt32BE(44),
        jitterUs: buf.readUInt32BE(48),
      },
    },
  };
}

/** A pair key as the controller hands it out (32 bytes, base64). */
export function keyFromBase64(key: string): Buffer {
  return Buffer.from(key, 'base64');
}
