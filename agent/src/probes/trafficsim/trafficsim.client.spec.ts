import { figures } from './trafficsim.client';
import { FlowCounter } from './trafficsim.stats';

/** Answers of seqs 0…n-1 except `missing`, each with RTT 20 ms and a steady transit. */
function counters(n: number, missing: number[]) {
  const answers = new FlowCounter(n);
  const roundTrip = new FlowCounter(n);
  const rtts: number[] = [];
  for (let seq = 0; seq < n; seq++) {
    if (missing.includes(seq)) continue;
    answers.add(seq, 5);
    roundTrip.add(seq, 20);
    rtts.push(20);
  }
  return { answers, roundTrip, rtts };
}

describe('TRAFFICSIM figures', () => {
  it('splits the round trip into directions with the server\'s final view', () => {
    const { answers, roundTrip, rtts } = counters(10, [3]);
    const f = figures(10, answers, roundTrip, rtts, { received: 10, duplicates: 1, outOfOrder: 0, seqEnd: 10, jitterUs: 0 }, true);
    expect(f).toMatchObject({ sent: 10, received: 9, loss_pct: 10, rtt_avg_ms: 20, jitter_ms: 0, duplicates: 0, out_of_order: 0 });
    // The server got all 10 (one twice): the answer of seq 3 was lost on the way back.
    expect(f.upstream).toMatchObject({ sent: 10, received: 10, loss_pct: 0, duplicates: 1 });
    expect(f.downstream).toMatchObject({ sent: 10, received: 9, loss_pct: 10 });
    expect(f.mos).toBe(f.downstream?.mos);
  });

  it('without the stats answer, counts upstream only up to what the last echo had seen', () => {
    const { answers, roundTrip, rtts } = counters(10, [8, 9]);
    // The last echo was seq 7's: the server had 8 packets of seqs 0…7; 8 and 9 are unknown, not lost.
    const f = figures(10, answers, roundTrip, rtts, { received: 8, duplicates: 0, outOfOrder: 0, seqEnd: 8, jitterUs: 0 }, false);
    expect(f.upstream).toMatchObject({ sent: 8, received: 8, loss_pct: 0 });
    expect(f).toMatchObject({ sent: 10, received: 8, loss_pct: 20 });
  });

  it('without any answer has no directions and no MOS', () => {
    const { answers, roundTrip, rtts } = counters(5, [0, 1, 2, 3, 4]);
    expect(figures(5, answers, roundTrip, rtts, null, false)).toMatchObject({
      sent: 5, received: 0, loss_pct: 100, rtt_avg_ms: null, jitter_ms: null, mos: null, upstream: null, downstream: null,
    });
  });
});
