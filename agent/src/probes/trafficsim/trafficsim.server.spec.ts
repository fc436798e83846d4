import type { ProbeConfig } from '@netwatcher/shared';
import { createLogger } from '../../log';
import { runFlow } from './trafficsim.client';
import { decodePacket, EMPTY_VIEW, encodePacket, Kind, type Packet } from './trafficsim.codec';
import { FRESHNESS_MS, TrafficsimListener, TrafficsimResponder } from './trafficsim.server';
import { TrafficsimServers } from './trafficsim.servers';

const key = Buffer.alloc(32, 1);
const other = Buffer.alloc(32, 2);
const NOW = 1_780_000_000_000;

function probe(seq: number, over: Partial<Packet> = {}): Packet {
  return { kind: Kind.Probe, keyId: 11, session: 5, seq, clientTimeMs: NOW - 3, serverTimeMs: 0, server: EMPTY_VIEW, ...over };
}

describe('TRAFFICSIM responder', () => {
  let r: TrafficsimResponder;
  beforeEach(() => {
    r = new TrafficsimResponder({ now: () => NOW });
    r.setKeys(new Map([[11, key]]));
  });

  it('answers a valid probe with a signed echo carrying what it counted', () => {
    const out = r.answer(encodePacket(probe(0), key, 100));
    expect(out).not.toBeNull();
    const decoded = decodePacket(out as Buffer, key);
    expect(decoded.ok && decoded.packet).toMatchObject({ kind: Kind.Echo, seq: 0, session: 5, serverTimeMs: NOW, server: { received: 1, seqEnd: 1 } });
    expect(out).toHaveLength(100);
  });

  it('never answers a forged, foreign, stale or replayed packet', () => {
    expect(r.answer(encodePacket(probe(0), other, 100))).toBeNull(); // forged tag
    expect(r.answer(encodePacket(probe(0, { keyId: 12 }), key, 100))).toBeNull(); // unpaired key id
    expect(r.answer(Buffer.from('hello'))).toBeNull(); // not ours at all
    expect(r.answer(encodePacket(probe(0, { clientTimeMs: NOW - FRESHNESS_MS - 1 }), key, 100))).toBeNull(); // stale
    expect(r.answer(encodePacket(probe(0, { clientTimeMs: NOW + FRESHNESS_MS + 1 }), key, 100))).toBeNull(); // from the future
    expect(r.answer(encodePacket(probe(0, { kind: Kind.Echo }), key, 100))).toBeNull(); // an echo sent back at it
    const valid = encodePacket(probe(1), key, 100);
    expect(r.answer(valid)).not.toBeNull();
    expect(r.answer(valid)).toBeNull(); // replayed
    expect(r.drops).toEqual({ malformed: 1, unknown_key: 1, bad_tag: 1, stale: 2, replay: 1, wrong_kind: 1 });
  });

  it('answers stats requests once each, with the session totals', () => {
    for (const seq of [0, 2, 1, 1]) r.answer(encodePacket(probe(seq), key, 100));
    const req = encodePacket(probe(1, { kind: Kind.StatsRequest }), key, 100);
    const out = r.answer(req);
    const decoded = decodePacket(out as Buffer, key);
    expect(decoded.ok && decoded.packet).toMatchObject({ kind: Kind.StatsAnswer, server: { received: 3, duplicates: 1, outOfOrder: 1, seqEnd: 3 } });
    expect(r.answer(req)).toBeNull();
  });

  it('judges freshness by the wall clock and stamps answers with the precise one', () => {
    const drifted = new TrafficsimResponder({ now: () => NOW, precise: () => NOW + 10 * FRESHNESS_MS + 0.25 });
    drifted.setKeys(new Map([[11, key]]));
    const out = drifted.answer(encodePacket(probe(0), key, 100));
    const decoded = decodePacket(out as Buffer, key);
    expect(decoded.ok && decoded.packet.serverTimeMs).toBe(NOW + 10 * FRESHNESS_MS + 0.25);
  });

  it('forgets keys that are no longer paired', () => {
    r.setKeys(new Map());
    expect(r.answer(encodePacket(probe(0), key, 100))).toBeNull();
  });
});

describe('TRAFFICSIM flow over loopback', () => {
  it('measures a clean path: nothing lost, both directions reported', async () => {
    const listener = new TrafficsimListener(0);
    listener.responder.setKeys(new Map([[11, key]]));
    await listener.start();
    try {
      const figures = await runFlow(
        { address: '127.0.0.1', port: listener.boundPort(), keyId: 11, key, ratePps: 200, packetSize: 120, durationSec: 1, timeoutSec: 2 },
        new AbortController().signal,
      );
      expect(figures).toMatchObject({ sent: 200, received: 200, loss_pct: 0, duplicates: 0, out_of_order: 0 });
      expect(figures.upstream).toMatchObject({ sent: 200, received: 200, loss_pct: 0 });
      expect(figures.downstream).toMatchObject({ sent: 200, received: 200, loss_pct: 0 });
      expect(figures.rtt_avg_ms).toBeLessThan(50);
      expect(figures.mos).toBeGreaterThan(4.3);
    } finally {
      await listener.close();
    }
  });

  it('reports total loss, and no server view, toward a server that does not know the key', async () => {
    const listener = new TrafficsimListener(0);
    listener.responder.setKeys(new Map([[11, other]]));
    await listener.start();
    try {
      const figures = await runFlow(
        { address: '127.0.0.1', port: listener.boundPort(), keyId: 11, key, ratePps: 50, packetSize: 100, durationSec: 1, timeoutSec: 1 },
        new AbortController().signal,
      );
      expect(figures).toMatchObject({ sent: 50, received: 0, loss_pct: 100, upstream: null, downstream: null, mos: null });
      expect(listener.responder.drops.bad_tag).toBe(50 + 3);
    } finally {
      await listener.close();
    }
  });
});

describe('TrafficsimServers', () => {
  const server = (id: number, port: number, keys: Array<[number, string]>, enabled = true): ProbeConfig => ({
    id, type: 'TRAFFICSIM', enabled, interval_sec: 300, timeout_sec: 5, count: 0, duration_sec: 60, server: true, targets: [], agent_targets: [],
    updated_at: '', trafficsim: { port, rate_pps: 50, packet_size: 200, clients: keys.map(([key_id, k]) => ({ key_id, key: k })) },
  });

  it('listens while a server probe is in the set and stops when it goes', async () => {
    const servers = new TrafficsimServers(createLogger('silent'));
    const port = 40_000 + (process.pid % 20_000);
    try {
      await servers.apply([server(1, port, [[11, key.toString('base64')]])]);
      expect(servers.ports()).toEqual([port]);
      const figures = await runFlow(
        { address: '127.0.0.1', port, keyId: 11, key, ratePps: 20, packetSize: 100, durationSec: 1, timeoutSec: 1 },
        new AbortController().signal,
      );
      expect(figures.received).toBe(20);
      await servers.apply([server(1, port, [[11, key.toString('base64')]], false)]);
      expect(servers.ports()).toEqual([]);
    } finally {
      await servers.close();
    }
  });
});
