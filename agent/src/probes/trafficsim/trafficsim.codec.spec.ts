import { randomBytes } from 'node:crypto';
import { decodePacket, EMPTY_VIEW, encodePacket, Kind, MIN_PACKET_BYTES, peekKeyId, TAG_BYTES, type Packet } from './trafficsim.codec';

const key = Buffer.alloc(32, 7);
const packet: Packet = {
  kind: Kind.Echo,
  keyId: 4_000_000_001,
  session: 0xdeadbeef,
  seq: 123_456,
  clientTimeMs: 1_780_000_000_123.456,
  serverTimeMs: 1_780_000_000_130.5,
  server: { received: 99, duplicates: 2, outOfOrder: 3, seqEnd: 101, jitterUs: 1_234 },
};

describe('TRAFFICSIM packet codec', () => {
  it('round-trips every field at the configured size, padding included', () => {
    for (const size of [MIN_PACKET_BYTES, 200, 1_400]) {
      const buf = encodePacket(packet, key, size);
      expect(buf).toHaveLength(size);
      expect(peekKeyId(buf)).toBe(packet.keyId);
      expect(decodePacket(buf, key)).toEqual({ ok: true, packet });
      // Padding is zeros: the size alone carries no information.
      expect(buf.subarray(56, size - TAG_BYTES).every((b) => b === 0)).toBe(true);
    }
  });

  it('refuses sizes that cannot hold the header and tag', () => {
    expect(() => encodePacket(packet, key, MIN_PACKET_BYTES - 1)).toThrow(RangeError);
  });

  it('refuses a packet under another key, and any changed bit', () => {
    const buf = encodePacket(packet, key, 120);
    expect(decodePacket(buf, randomBytes(32))).toEqual({ ok: false, reason: 'bad_tag' });
    for (const offset of [1, 4, 8, 12, 16, 24, 32, 60, 120 - TAG_BYTES, 119]) {
      const tampered = Buffer.from(buf);
      tampered[offset] ^= 0x01;
      const decoded = decodePacket(tampered, key);
      expect(decoded.ok).toBe(false);
    }
  });

  it('calls short, oversized and foreign datagrams malformed before any HMAC', () => {
    expect(peekKeyId(Buffer.alloc(10))).toBeNull();
    expect(decodePacket(Buffer.alloc(10), key)).toEqual({ ok: false, reason: 'malformed' });
    const foreign = encodePacket(packet, key, 100);
    foreign[0] = 9;
    expect(decodePacket(foreign, key)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('clamps counters into their fields instead of wrapping', () => {
    const buf = encodePacket({ ...packet, server: { ...EMPTY_VIEW, received: 2 ** 40, jitterUs: -5 } }, key, 100);
    const decoded = decodePacket(buf, key);
    expect(decoded.ok && decoded.packet.server).toMatchObject({ received: 0xffffffff, jitterUs: 0 });
  });
});
