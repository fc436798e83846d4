import type { MtrHop } from '@netwatcher/shared';
import { parseIp } from '../lookups/ip-address';
import type { MtrObservation } from '../probe-results/mtr-paths.repository';
import type { PathView } from './network-map.view';

/** The hop addresses of a result in order, canonical, null where a hop never answered. */
export function hopSequence(hops: readonly MtrHop[]): (string | null)[] {
  return hops.map((h) => (h.address === null ? null : (parseIp(h.address)?.address ?? h.address)));
}

/** One string per hop sequence: results with the same signature took the same path. */
export function pathSignature(hops: readonly MtrHop[]): string {
  return hopSequence(hops)
    .map((a) => a ?? '*')
    .join(' > ');
}

/**
 * The distinct paths among results of one probe and target, in the order they first appeared,
 * each with when it was first and last seen and how many results took it. ECMP alternation
 * shows as two paths whose seen-ranges overlap.
 */
export function distinctPaths(results: readonly MtrObservation[]): Omit<PathView, 'as_path'>[] {
  const paths = new Map<string, { hops: (string | null)[]; first: Date; last: Date; count: number }>();
  for (const r of results) {
    const signature = pathSignature(r.hops);
    const seen = paths.get(signature);
    if (!seen) {
      paths.set(signature, { hops: hopSequence(r.hops), first: r.createdAt, last: r.createdAt, count: 1 });
      continue;
    }
    if (r.createdAt < seen.first) seen.first = r.createdAt;
    if (r.createdAt > seen.last) seen.last = r.createdAt;
    seen.count += 1;
  }
  return [...paths.entries()]
    .map(([signature, p]) => ({ hops: p.hops, signature, first_seen: p.first.toISOString(), last_seen: p.last.toISOString(), count: p.count }))
    .sort((a, b) => a.first_seen.localeCompare(b.first_seen) || a.signature.localeCompare(b.signature));
}
