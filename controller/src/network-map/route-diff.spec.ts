import { hopSequence } from './path-history';
import { movedHop, recordedMtr } from './recorded-mtr.fixture';
import { asPathOf, classifyChange, judgeRoute, samePath, signatureOf, type KnownPath, type ObservedPath } from './route-diff';

const twoHops = recordedMtr('two-hops');
const [router, target] = twoHops.hops;
const ROUTER = '198.18.41.1';
const TARGET = '198.18.42.2';
const T0 = new Date('2026-01-01T00:00:00Z');
const RECENT = new Date('2025-12-31T00:00:00Z');

/** Test ASNs: 198.18.41.x in AS 64500, 198.18.43.x in AS 64501, the target in AS 64502. */
const asnOf = (ip: string): number | null => (ip.startsWith('198.18.41.') ? 64500 : ip.startsWith('198.18.43.') ? 64501 : ip === TARGET ? 64502 : null);

function path(hops: (string | null)[]): ObservedPath {
  return { hops, asPath: asPathOf(hops, asnOf) };
}
function known(hops: (string | null)[], lastSeen = T0): KnownPath {
  return { ...path(hops), signature: signatureOf(hops), lastSeen };
}

describe('route diffing on recorded MTR results', () => {
  it('reads the AS path as distinct ASNs in order, skipping silent and unknown hops', () => {
    expect(asPathOf([ROUTER, null, '198.18.41.9', '10.0.0.1', '198.18.43.1', TARGET], asnOf)).toEqual([64500, 64501, 64502]);
    // A loop back into an AS shows as a return to it.
    expect(asPathOf([ROUTER, '198.18.43.1', ROUTER], asnOf)).toEqual([64500, 64501, 64500]);
  });

  it('treats the first path of a series as no change', () => {
    expect(judgeRoute(null, [], path(hopSequence(twoHops.hops)), RECENT)).toEqual({ outcome: 'first' });
  });

  it('tolerates ??? hops: a silent hop matches any address at its position', () => {
    const current = known(hopSequence(twoHops.hops));
    // The recorded "unknown-hop" result: the router did not answer this time.
    const silent = path(hopSequence(recordedMtr('unknown-hop').hops));
    expect(silent.hops).toEqual([null, TARGET]);
    expect(judgeRoute(current, [current], silent, RECENT)).toEqual({ outcome: 'same', path: current });
    // And the other way round: a path stored with a silent hop matches the full one.
    expect(judgeRoute(known([null, TARGET]), [], path([ROUTER, TARGET]), RECENT).outcome).toBe('same');
    // Loss and RTT changes are not route changes.
    expect(judgeRoute(current, [current], path(hopSequence(recordedMtr('partial-loss').hops)), RECENT).outcome).toBe('same');
    // A silent hop does not hide a length change.
    expect(samePath([null, TARGET], [ROUTER, null, TARGET])).toBe(false);
  });

  it('tolerates ECMP alternation between paths already seen, not a new one', () => {
    const viaA = known([ROUTER, TARGET]);
    const viaB = known(['198.18.41.7', TARGET]);
    expect(judgeRoute(viaA, [viaA, viaB], path(['198.18.41.7', TARGET]), RECENT)).toEqual({ outcome: 'alternate', path: viaB });
    expect(judgeRoute(viaB, [viaA, viaB], path([ROUTER, TARGET]), RECENT)).toEqual({ outcome: 'alternate', path: viaA });
    // A third next hop never seen before is a change.
    const third = judgeRoute(viaA, [viaA, viaB], path(['198.18.41.8', TARGET]), RECENT);
    expect(third).toEqual({ outcome: 'changed', change: { kind: 'hop_changed', added: ['198.18.41.8'], removed: [ROUTER], asPathChanged: false } });
    // A path last seen before the memory window is no longer an alternative: coming back is a change.
    const stale = known(['198.18.41.7', TARGET], new Date('2025-12-01T00:00:00Z'));
    expect(judgeRoute(viaA, [viaA, stale], path(['198.18.41.7', TARGET]), RECENT).outcome).toBe('changed');
  });

  it('classifies a new hop, a missing hop and a changed AS path', () => {
    const direct = known([ROUTER, TARGET]);
    const longer = judgeRoute(direct, [direct], path([ROUTER, '198.18.41.5', TARGET]), RECENT);
    expect(longer).toEqual({ outcome: 'changed', change: { kind: 'hop_added', added: ['198.18.41.5'], removed: [], asPathChanged: false } });
    const shorter = judgeRoute(known([ROUTER, '198.18.41.5', TARGET]), [], path([ROUTER, TARGET]), RECENT);
    expect(shorter).toEqual({ outcome: 'changed', change: { kind: 'hop_removed', added: [], removed: ['198.18.41.5'], asPathChanged: false } });
    // Through another network: AS 64500 → 64501 → 64502 instead of 64500 → 64502.
    const transit = judgeRoute(direct, [direct], path([ROUTER, '198.18.43.1', TARGET]), RECENT);
    expect(transit).toEqual({ outcome: 'changed', change: { kind: 'as_path_changed', added: ['198.18.43.1'], removed: [], asPathChanged: true } });
    // A silent extra hop: no address is new, the path is longer.
    expect(classifyChange(direct, path([ROUTER, null, TARGET])).kind).toBe('hop_added');
  });

  it('sees a routing loop as a change and a repeated loop as the same path', () => {
    const direct = known(hopSequence(twoHops.hops));
    // router, router's neighbour, router again, …: the target is never reached.
    const loopHops = hopSequence([movedHop(router, 1), movedHop(target, 2, '198.18.41.2'), movedHop(router, 3), movedHop(target, 4, '198.18.41.2')]);
    const loop = judgeRoute(direct, [direct], path(loopHops), RECENT);
    expect(loop).toEqual({ outcome: 'changed', change: { kind: 'as_path_changed', added: ['198.18.41.2'], removed: [TARGET], asPathChanged: true } });
    const looping = known(loopHops);
    expect(judgeRoute(looping, [direct, looping], path(loopHops), RECENT).outcome).toBe('same');
    // The same addresses looped in another order: no new or missing address, still another path.
    expect(classifyChange(known([ROUTER, '198.18.41.2']), path(['198.18.41.2', ROUTER])).kind).toBe('hop_changed');
  });
});
