import { RuleIndex } from './rule-index';

describe('RuleIndex', () => {
  const rule = (id: number, probeId: number | null) => ({ id, probeId });

  it('offers a result its probe\'s rules and the probe-less ones, nothing else', () => {
    const index = new RuleIndex([rule(1, 10), rule(2, 11), rule(3, null), rule(4, 10), rule(5, null)]);
    expect(index.candidates(10).map((r) => r.id)).toEqual([1, 4, 3, 5]);
    expect(index.candidates(11).map((r) => r.id)).toEqual([2, 3, 5]);
    expect(index.candidates(12).map((r) => r.id)).toEqual([3, 5]);
  });

  it('offers nothing when no rule can apply', () => {
    const index = new RuleIndex([rule(1, 10)]);
    expect(index.candidates(11)).toEqual([]);
    expect(index.candidates(10).map((r) => r.id)).toEqual([1]);
  });
});
