import { direction, FlowCounter, lossPct, mos, mosFromR, rfc3550Jitter, rFactor, summariseRtts } from './trafficsim.stats';

describe('RFC 3550 interarrival jitter', () => {
  it('is 0 for a constant transit, whatever the clock offset', () => {
    expect(rfc3550Jitter([5000, 5000, 5000, 5000])).toBe(0);
  });

  it('follows J += (|D| - J) / 16 on a known sequence', () => {
    // D = 10, 10, 10: 10/16 = 0.625; 0.625 + (10 - 0.625)/16 = 1.2109375; + (10 - 1.2109375)/16
    expect(rfc3550Jitter([0, 10, 0, 10])).toBeCloseTo(1.7602539, 6);
  });

  it('FlowCounter computes the same jitter in arrival order and counts duplicates and reordering', () => {
    const c = new FlowCounter(10);
    // Arrivals: 0, 1, 3, 2 (late), 2 again (duplicate), 4.
    const arrivals: Array<[number, number]> = [[0, 20], [1, 30], [3, 20], [2, 30], [2, 30], [4, 20]];
    const kinds = arrivals.map(([seq, transit]) => c.add(seq, transit));
    expect(kinds).toEqual(['new', 'new', 'new', 'new', 'duplicate', 'new']);
    expect(c).toMatchObject({ received: 5, duplicates: 1, outOfOrder: 1, seqEnd: 5 });
    expect(c.jitterMs()).toBeCloseTo(rfc3550Jitter([20, 30, 20, 30, 20]), 9);
    expect(c.add(10, 0)).toBe('out_of_range');
    expect(c.add(-1, 0)).toBe('out_of_range');
    expect([0, 1, 2, 3, 4, 5, 9].map((s) => c.has(s))).toEqual([true, true, true, true, true, false, false]);
    // Bits of neighbouring sequence numbers are independent (one bit each, eight to a byte).
    c.add(9, 20);
    expect([5, 6, 7, 8, 9].map((s) => c.has(s))).toEqual([false, false, false, false, true]);
  });

  it('has no jitter before two packets', () => {
    const c = new FlowCounter(2);
    expect(c.jitterMs()).toBeNull();
    c.add(0, 1);
    expect(c.jitterMs()).toBeNull();
  });
});

describe('E-model MOS (G.107 simplified, G.711 with PLC)', () => {
  it('gives the textbook values on known inputs', () => {
    // No impairment: R = 93.2, MOS 4.41.
    expect(rFactor(0, 0, 0)).toBeCloseTo(93.2, 9);
    expect(mos(0, 0, 0)).toBe(4.41);
    // 200 ms one way: Id = 0.024·200 + 0.11·22.7 = 7.297, R = 85.903.
    expect(rFactor(200, 0, 0)).toBeCloseTo(85.903, 9);
    expect(mos(200, 0, 0)).toBe(4.23);
    // 10 % random loss: Ie,eff = 95·10 / (10 + 25.1) = 27.0655, R = 66.134.
    expect(rFactor(0, 0, 10)).toBeCloseTo(66.1345, 3);
    expect(mos(0, 0, 10)).toBe(3.41);
    // Jitter counts twice (the jitter buffer): 50 ms + 2·5 ms = 60 ms, and 1 % loss.
    expect(rFactor(50, 5, 1)).toBeCloseTo(93.2 - 0.024 * 60 - (95 * 1) / (1 + 25.1), 9);
    expect(mos(50, 5, 1)).toBe(4.29);
  });

  it('stays on the MOS scale at the extremes', () => {
    expect(mosFromR(-10)).toBe(1);
    expect(mosFromR(3)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
    expect(mos(2000, 500, 100)).toBe(1);
  });
});

describe('summaries', () => {
  it('summarises RTTs and loss', () => {
    expect(summariseRtts([])).toEqual({ min: null, avg: null, max: null });
    expect(summariseRtts([1, 2, 6])).toEqual({ min: 1, avg: 3, max: 6 });
    expect(lossPct(0, 0)).toBe(0);
    expect(lossPct(200, 180)).toBe(10);
    expect(lossPct(3, 5)).toBe(0);
  });

  it('builds a direction with its MOS from its own loss and jitter', () => {
    const d = direction({ sent: 100, received: 90, outOfOrder: 2, duplicates: 1, jitterMs: 0 }, { min: 0, avg: 0, max: 0 });
    expect(d).toEqual({
      sent: 100, received: 90, loss_pct: 10, rtt_min_ms: 0, rtt_avg_ms: 0, rtt_max_ms: 0, jitter_ms: 0,
      out_of_order: 2, duplicates: 1, mos: 3.41,
    });
    expect(direction({ sent: 5, received: 0, outOfOrder: 0, duplicates: 0, jitterMs: null }, summariseRtts([])).mos).toBeNull();
  });
});
