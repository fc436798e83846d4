import { distinctPaths, pathSignature } from './path-history';
import { movedHop, observed, recordedMtr } from './recorded-mtr.fixture';

describe('path history on recorded MTR results', () => {
  const twoHops = recordedMtr('two-hops');
  const [router, target] = twoHops.hops;

  it('signs a path by its hop addresses, * for a silent hop', () => {
    expect(pathSignature(twoHops.hops)).toBe('198.18.41.1 > 198.18.42.2');
    expect(pathSignature(recordedMtr('unknown-hop').hops)).toBe('* > 198.18.42.2');
    // Loss or RTT changes do not make another path.
    expect(pathSignature(recordedMtr('partial-loss').hops)).toBe(pathSignature(twoHops.hops));
  });

  it('lists each distinct path with first/last seen and count, ECMP alternation included', () => {
    const other = [movedHop(router, 1, '198.18.41.7'), movedHop(target, 2)];
    const results = [
      observed(twoHops, '2026-01-01T00:00:00Z'),
      observed(twoHops, '2026-01-01T00:05:00Z', { hops: other }),
      observed(recordedMtr('partial-loss'), '2026-01-01T00:10:00Z'),
      observed(twoHops, '2026-01-01T00:15:00Z', { hops: other }),
      observed(recordedMtr('unknown-hop'), '2026-01-01T00:20:00Z'),
    ];
    expect(distinctPaths(results)).toEqual([
      { hops: ['198.18.41.1', '198.18.42.2'], signature: '198.18.41.1 > 198.18.42.2', first_seen: '2026-01-01T00:00:00.000Z', last_seen: '2026-01-01T00:10:00.000Z', count: 2 },
      { hops: ['198.18.41.7', '198.18.42.2'], signature: '198.18.41.7 > 198.18.42.2', first_seen: '2026-01-01T00:05:00.000Z', last_seen: '2026-01-01T00:15:00.000Z', count: 2 },
      { hops: [null, '198.18.42.2'], signature: '* > 198.18.42.2', first_seen: '2026-01-01T00:20:00.000Z', last_seen: '2026-01-01T00:20:00.000Z', count: 1 },
    ]);
  });

  it('keeps a loop in the signature (the repeated address is part of the path)', () => {
    const loop = [movedHop(router, 1), movedHop(target, 2, '198.18.41.2'), movedHop(router, 3)];
    expect(pathSignature(loop)).toBe('198.18.41.1 > 198.18.41.2 > 198.18.41.1');
  });

  it('answers no paths for no results', () => {
    expect(distinctPaths([])).toEqual([]);
  });
});
