import { jitter, mean, percentile, roundMs, stddev } from './stats';

describe('stats', () => {
  it('computes mean and population stddev', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(stddev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
    expect(mean([])).toBeNull();
    expect(stddev([])).toBeNull();
  });

  it('interpolates percentiles on unsorted input', () => {
    expect(percentile([10, 1, 5], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBeCloseTo(9.55);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('takes jitter as the mean absolute consecutive difference', () => {
    expect(jitter([10, 12, 9, 9])).toBeCloseTo((2 + 3 + 0) / 3);
    expect(jitter([5])).toBeNull();
  });

  it('rounds to microseconds', () => {
    expect(roundMs(1.23456789)).toBe(1.235);
    expect(roundMs(null)).toBeNull();
  });
});
