import { toTabSeparated } from './tab-separated';

describe('toTabSeparated', () => {
  it('writes one line per row in column order, NULL as \\N and booleans as words', () => {
    const rows = [{ a: 'x', b: 1.5, c: null, d: true }, { a: 'y', b: 0, c: 'z', d: false }];
    expect(toTabSeparated(rows, ['a', 'b', 'c', 'd'])).toBe('x\t1.5\t\\N\ttrue\ny\t0\tz\tfalse\n');
  });

  it('escapes exactly the characters the format gives a meaning to', () => {
    const rows = [{ s: 'tab\there\nnew\rline\\back\0nul' }, { s: '\\N' }, { s: '{"k":"v\\"q"}' }];
    expect(toTabSeparated(rows, ['s'])).toBe('tab\\there\\nnew\\rline\\\\back\\0nul\n\\\\N\n{"k":"v\\\\"q"}\n');
  });

  it('refuses a number the engine could not read back', () => {
    expect(() => toTabSeparated([{ n: Number.NaN }], ['n'])).toThrow(/NaN/);
  });
});
