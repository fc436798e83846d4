import type { TrafficsimDirection } from '@netwatcher/shared';

/**
 * Counts one direction of a flow as packets arrive, in arrival order: unique packets, duplicates
 * (a sequence number seen before), out-of-order arrivals (lower than the highest seen so far and
 * not a duplicate) and the RFC 3550 interarrival jitter. Used by the server for what the client
 * sent and by the client for the answers. Sequence numbers are 0 … capacity-1.
 */
export class FlowCounter {
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  /** Highest sequence number seen + 1. */
  seqEnd = 0;
  /** One bit per sequence number: a server keeps one of these per client session. */
  private readonly seen: Uint8Array;
  private lastTransit: number | null = null;
  private jitter = 0;

  constructor(readonly capacity: number) {
    this.seen = new Uint8Array(Math.ceil(capacity / 8));
  }

  /**
   * One arrival. `transitMs` is arrival time minus send time on whatever clocks the two ends have:
   * RFC 3550 only uses differences of consecutive transits, so a constant clock offset cancels.
   * Returns what the packet was. A duplicate does not move the jitter (it is not a new sample).
   */
  add(seq: number, transitMs: number): 'new' | 'duplicate' | 'out_of_range' {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.capacity) return 'out_of_range';
    if (this.has(seq)) {
      this.duplicates++;
      return 'duplicate';
    }
    this.seen[seq >> 3] |= 1 << (seq & 7);
    this.received++;
    if (seq < this.seqEnd - 1) this.outOfOrder++;
    this.seqEnd = Math.max(this.seqEnd, seq + 1);
    // RFC 3550 §6.4.1 / A.8: D(i-1,i) = transit_i - transit_{i-1};  J += (|D| - J) / 16.
    if (this.lastTransit !== null) this.jitter += (Math.abs(transitMs - this.lastTransit) - this.jitter) / 16;
    this.lastTransit = transitMs;
    return 'new';
  }

  has(seq: number): boolean {
    return Number.isInteger(seq) && seq >= 0 && seq < this.capacity && (this.seen[seq >> 3] & (1 << (seq & 7))) !== 0;
  }

  /** The smoothed jitter in ms; null before two packets arrived. */
  jitterMs(): number | null {
    return this.received >= 2 ? this.jitter : null;
  }
}

/** One RFC 3550 jitter update, exported for the unit test's known sequences. */
export function rfc3550Jitter(transitsMs: readonly number[]): number {
  let j = 0;
  for (let i = 1; i < transitsMs.length; i++) j += (Math.abs(transitsMs[i] - transitsMs[i - 1]) - j) / 16;
  return j;
}

/**
 * ITU-T G.107 E-model, simplified as is usual for VoIP monitoring, with every input named:
 *   R = Ro − Is − Id − Ie,eff + A, with the G.107 defaults Ro − Is = 93.2 and A = 0 (advantage
 *   factor: a wired user expects full quality);
 *   Id (delay impairment) from the mouth-to-ear delay d in ms, Cole & Rosenbluth's fit of G.107:
 *     Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3);
 *   d = one-way delay (RTT / 2: the two ends share no clock) + a jitter buffer of 2 × jitter;
 *   Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl), with codec G.711: Ie = 0, Bpl = 25.1
 *   (G.113 Appendix I, G.711 with packet loss concealment), BurstR = 1 (random loss), Ppl the
 *   loss in percent;
 *   MOS = 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶ for 0 < R < 100 (1 below, 4.5 above),
 *   never under 1.
 */
export const EMODEL = { roMinusIs: 93.2, ie: 0, bpl: 25.1, burstR: 1, jitterBufferFactor: 2 } as const;

export function rFactor(oneWayDelayMs: number, jitterMs: number, lossPct: number): number {
  const d = oneWayDelayMs + EMODEL.jitterBufferFactor * jitterMs;
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.max(0, Math.min(100, lossPct));
  const ieEff = EMODEL.ie + ((95 - EMODEL.ie) * ppl) / (ppl / EMODEL.burstR + EMODEL.bpl);
  return EMODEL.roMinusIs - id - ieEff;
}

export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** MOS to two decimals, as reported. */
export function mos(oneWayDelayMs: number, jitterMs: number, lossPct: number): number {
  return round(mosFromR(rFactor(oneWayDelayMs, jitterMs, lossPct)), 2);
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Round-trip times of the packets whose answer came back. */
export interface RttSummary {
  min: number | null;
  avg: number | null;
  max: number | null;
}

export function summariseRtts(rtts: readonly number[]): RttSummary {
  if (rtts.length === 0) return { min: null, avg: null, max: null };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const r of rtts) {
    min = Math.min(min, r);
    max = Math.max(max, r);
    sum += r;
  }
  return { min: round(min), avg: round(sum / rtts.length), max: round(max) };
}

export function lossPct(sent: number, received: number): number {
  if (sent <= 0) return 0;
  return round(Math.max(0, Math.min(100, (100 * (sent - Math.min(received, sent))) / sent)));
}

/** One direction's figures, MOS included (null when nothing came through to measure). */
export function direction(
  counts: { sent: number; received: number; outOfOrder: number; duplicates: number; jitterMs: number | null },
  rtt: RttSummary,
): TrafficsimDirection {
  const loss = lossPct(counts.sent, counts.received);
  const jitter = counts.jitterMs === null ? null : round(counts.jitterMs);
  return {
    sent: counts.sent,
    received: Math.min(counts.received, counts.sent),
    loss_pct: loss,
    rtt_min_ms: rtt.min,
    rtt_avg_ms: rtt.avg,
    rtt_max_ms: rtt.max,
    jitter_ms: jitter,
    out_of_order: counts.outOfOrder,
    duplicates: counts.duplicates,
    mos: rtt.avg === null ? null : mos(rtt.avg / 2, jitter ?? 0, loss),
  };
}
