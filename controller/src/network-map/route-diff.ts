/**
 * Route-change detection on hop sequences (README "Network map", "Route changes"). Pure: the
 * caller supplies the paths it remembers for one (probe, agent, target) and the new result's
 * path; this decides whether the route changed and how.
 *
 * The agreed rules (route-diff.spec.ts holds a fixture for each):
 * - Two paths are the same when they have the same length and agree at every position where
 *   both hops answered: a `???` hop (null) matches any address, so a router that skips an
 *   answer now and then is not a route change.
 * - A path that matches a path already seen for the series within the memory window (ECMP: the
 *   flow hashed onto another of the known next hops) is an alternation, not a change.
 * - Anything else is a change against the path taken last, classified as `as_path_changed`
 *   when the AS path (distinct ASNs in order) differs, else `hop_added` (only new addresses,
 *   or longer with the same addresses), `hop_removed` (only missing ones, or shorter), else
 *   `hop_changed` (a different address, or a loop of the same addresses).
 * - A series' first path is no change: there is nothing to compare with.
 */
export type RouteChangeKind = 'hop_added' | 'hop_removed' | 'hop_changed' | 'as_path_changed';

export interface ObservedPath {
  /** Canonical hop addresses in order, null for a hop that never answered. */
  hops: (string | null)[];
  /** Distinct ASNs along the path in order (consecutive repeats collapsed); empty when unknown. */
  asPath: number[];
}

export interface KnownPath extends ObservedPath {
  signature: string;
  lastSeen: Date;
}

export interface RouteChange {
  kind: RouteChangeKind;
  /** Addresses on the new path that the previous one did not have. */
  added: string[];
  /** Addresses of the previous path that the new one does not have. */
  removed: string[];
  asPathChanged: boolean;
}

export type RouteVerdict =
  /** No path known yet for the series. */
  | { outcome: 'first' }
  /** The path taken last (`???` hops tolerated). */
  | { outcome: 'same'; path: KnownPath }
  /** Another path seen recently (ECMP alternation). */
  | { outcome: 'alternate'; path: KnownPath }
  | { outcome: 'changed'; change: RouteChange };

/** One string per hop sequence (`*` for a silent hop), as the path history shows it. */
export function signatureOf(hops: readonly (string | null)[]): string {
  return hops.map((a) => a ?? '*').join(' > ');
}

/** Same length and equal wherever both hops answered. */
export function samePath(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((hop, i) => hop === null || b[i] === null || hop === b[i]);
}

/** The AS path of a hop sequence: each answering hop's ASN (unknown ones skipped), consecutive repeats collapsed. */
export function asPathOf(hops: readonly (string | null)[], asnOf: (address: string) => number | null): number[] {
  const out: number[] = [];
  for (const hop of hops) {
    const asn = hop === null ? null : asnOf(hop);
    if (asn !== null && out[out.length - 1] !== asn) out.push(asn);
  }
  return out;
}

const sameAsPath = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((asn, i) => asn === b[i]);

/** How `next` differs from `previous` (which it does not match). */
export function classifyChange(previous: ObservedPath, next: ObservedPath): RouteChange {
  const before = new Set(previous.hops.filter((h): h is string => h !== null));
  const after = new Set(next.hops.filter((h): h is string => h !== null));
  const added = [...after].filter((h) => !before.has(h));
  const removed = [...before].filter((h) => !after.has(h));
  const asPathChanged = !sameAsPath(previous.asPath, next.asPath);
  let kind: RouteChangeKind;
  if (asPathChanged) kind = 'as_path_changed';
  else if (added.length > 0 && removed.length === 0) kind = 'hop_added';
  else if (removed.length > 0 && added.length === 0) kind = 'hop_removed';
  else if (added.length === 0 && removed.length === 0 && next.hops.length !== previous.hops.length)
    kind = next.hops.length > previous.hops.length ? 'hop_added' : 'hop_removed';
  else kind = 'hop_changed';
  return { kind, added, removed, asPathChanged };
}

/**
 * Judges a new path of a series against the path taken last (`current`) and the other paths
 * seen (`known`); those last seen before `recentSince` no longer count as ECMP alternatives.
 */
export function judgeRoute(current: KnownPath | null, known: readonly KnownPath[], next: ObservedPath, recentSince: Date): RouteVerdict {
  if (current === null) return { outcome: 'first' };
  if (samePath(current.hops, next.hops)) return { outcome: 'same', path: current };
  const alternative = known.find((p) => p.signature !== current.signature && p.lastSeen >= recentSince && samePath(p.hops, next.hops));
  if (alternative) return { outcome: 'alternate', path: alternative };
  return { outcome: 'changed', change: classifyChange(current, next) };
}
