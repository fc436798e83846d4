import type { MtrHop } from '@netwatcher/shared';
import { parseIp } from '../lookups/ip-address';
import type { MtrObservation } from '../probe-results/mtr-paths.repository';

/**
 * Shared-hop root cause (README "Network map", incidents): when several paths degrade at once,
 * the hop they share after which the loss or latency appears.
 *
 * The rules, in order:
 * 1. A *series* is one (probe, agent, target). Its end figures are those of the last hop of each
 *    result (the destination when reached; an unreached destination ends in `???` at 100 %).
 * 2. A series is *degraded by loss* when its mean end loss over the window is at least
 *    LOSS_MIN_PCT and at least LOSS_STEP_PCT above its baseline (the median end loss of its
 *    results before the window; 0 without any). It is *degraded by latency* when its mean end
 *    RTT is at least LATENCY_STEP_MS and LATENCY_RATIO above its baseline median, or, without a
 *    baseline, above LATENCY_ABSOLUTE_MS. Loss wins when both hold.
 * 3. On the newest window result of a degraded series, the *onset* is the first hop from which
 *    the degradation holds on every later answering hop up to the end (mtr's own reading rule:
 *    loss at a router that does not carry on to the next hops is ICMP rate limiting, not loss).
 *    Silent hops in the middle say nothing and are skipped; trailing silent hops count as lost.
 *    For latency, a hop is elevated when its RTT exceeds the baseline RTT of the same address
 *    by LATENCY_STEP_MS (hops without a baseline say nothing); when no hop of the path has a
 *    baseline, the suspect is the earliest answering hop that every later answering hop
 *    exceeds by LATENCY_STEP_MS.
 * 4. The *suspect* of a path is the last answering hop before the onset: the hop after which the
 *    trouble appears. A path whose very first hop is degraded (the agent's own link) has none.
 * 5. Candidates are suspect addresses. The best one explains the most degraded paths (ties: the
 *    earliest mean hop position, then the address). Its contradictions are healthy paths that
 *    cross it and leave it through the same next hop as an explained path. confidence =
 *    explained / (degraded paths crossing it + contradictions): 1 when every degraded path
 *    through the hop breaks right after it and no healthy path takes the same way out.
 * 6. An incident needs at least MIN_INCIDENT_PATHS explained paths (one path is a probe alert,
 *    not a shared cause). Explained paths are removed and the search repeats for further causes.
 * 7. When no address is shared by enough paths any more, suspects are grouped by their AS (given
 *    an `asnOf` lookup): a provider whose routers answer from different addresses.
 */
export const LOSS_MIN_PCT = 5;
export const LOSS_STEP_PCT = 5;
export const LATENCY_STEP_MS = 20;
export const LATENCY_RATIO = 1.5;
export const LATENCY_ABSOLUTE_MS = 300;
export const MIN_INCIDENT_PATHS = 2;

export type IncidentKind = 'loss' | 'latency';

/** One degraded path's part of the evidence. */
export interface PathEvidence {
  probeId: number;
  agentId: number;
  target: string;
  /** Position (mtr's hop number) and address of the suspect hop on this path. */
  hop: number;
  ip: string;
  /** Loss and RTT at the suspect hop, and at the end of the path. */
  lossBeforePct: number;
  lossAfterPct: number;
  rttBeforeMs: number | null;
  rttAfterMs: number | null;
  /** The series' baseline at the end of the path, null without results before the window. */
  baselineLossPct: number | null;
  baselineRttMs: number | null;
  at: Date;
}

export interface RootCause {
  kind: IncidentKind;
  /** `hop`: the paths share the suspect address; `as`: their suspects differ but are of one AS. */
  scope: 'hop' | 'as';
  /** Canonical address of the suspect hop (for an AS, the suspect most paths share). */
  ip: string;
  /** Every suspect address of the explained paths, most shared first (one for `hop`). */
  addresses: string[];
  /** The shared AS of an `as` cause; null for `hop` (looked up by the caller). */
  asn: number | null;
  hostname: string | null;
  paths: number;
  probes: number;
  agents: number;
  targets: number;
  /** Degraded paths in the window, explained by this hop or not. */
  degradedPaths: number;
  confidence: number;
  firstSeen: Date;
  lastSeen: Date;
  evidence: PathEvidence[];
}

interface Series {
  key: string;
  probeId: number;
  agentId: number;
  target: string;
  window: MtrObservation[];
  baseline: MtrObservation[];
}

interface DegradedPath {
  series: Series;
  kind: IncidentKind;
  newest: MtrObservation;
  /** Index into newest.hops of the suspect; null when the first hop is already degraded. */
  suspect: number | null;
  baselineLossPct: number | null;
  baselineRttMs: number | null;
}

const canonical = (address: string): string => parseIp(address)?.address ?? address;
const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

const endOf = (o: MtrObservation): MtrHop | undefined => o.hops[o.hops.length - 1];
const endLoss = (o: MtrObservation): number | null => endOf(o)?.loss_pct ?? null;
const endRtt = (o: MtrObservation): number | null => {
  const end = endOf(o);
  return end?.address ? end.avg_ms : null;
};
const numbers = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

function seriesOf(window: readonly MtrObservation[], baseline: readonly MtrObservation[]): Series[] {
  const all = new Map<string, Series>();
  const add = (o: MtrObservation, into: 'window' | 'baseline') => {
    const key = `${o.probeId}\u0000${o.agentId}\u0000${o.target}`;
    let s = all.get(key);
    if (!s) all.set(key, (s = { key, probeId: o.probeId, agentId: o.agentId, target: o.target, window: [], baseline: [] }));
    s[into].push(o);
  };
  for (const o of window) add(o, 'window');
  for (const o of baseline) add(o, 'baseline');
  return [...all.values()].filter((s) => s.window.length > 0 && s.window.some((o) => o.hops.length > 0));
}

/** Median RTT of each address over the baseline results (for the latency onset). */
function hopBaselines(baseline: readonly MtrObservation[]): Map<string, number> {
  const samples = new Map<string, number[]>();
  for (const o of baseline) {
    for (const h of o.hops) {
      if (h.address === null || h.avg_ms === null) continue;
      const ip = canonical(h.address);
      samples.set(ip, [...(samples.get(ip) ?? []), h.avg_ms]);
    }
  }
  return new Map([...samples].map(([ip, v]) => [ip, median(v) as number]));
}

/** Rule 2: whether and how a series is degraded. */
function degradation(s: Series): { kind: IncidentKind; baselineLossPct: number | null; baselineRttMs: number | null } | null {
  const baselineLossPct = median(numbers(s.baseline.map(endLoss)));
  const baselineRttMs = median(numbers(s.baseline.map(endRtt)));
  const loss = mean(numbers(s.window.map(endLoss)));
  const rtt = mean(numbers(s.window.map(endRtt)));
  if (loss !== null && loss >= LOSS_MIN_PCT && loss >= (baselineLossPct ?? 0) + LOSS_STEP_PCT) return { kind: 'loss', baselineLossPct, baselineRttMs };
  if (rtt !== null) {
    const slow = baselineRttMs === null ? rtt >= LATENCY_ABSOLUTE_MS : rtt >= baselineRttMs + LATENCY_STEP_MS && rtt >= baselineRttMs * LATENCY_RATIO;
    if (slow) return { kind: 'latency', baselineLossPct, baselineRttMs };
  }
  return null;
}

/**
 * Rule 3/4: index of the suspect hop of one result (the last answering hop before the onset),
 * null when the first hop is already degraded or the end is not.
 */
export function suspectHop(hops: readonly MtrHop[], kind: IncidentKind, baselines: ReadonlyMap<string, number> = new Map()): number | null {
  let lastAnswering = -1;
  for (let i = 0; i < hops.length; i++) if (hops[i].address !== null) lastAnswering = i;
  const withBaseline = kind === 'latency' && hops.some((h) => h.address !== null && baselines.has(canonical(h.address)));
  if (kind === 'latency' && !withBaseline) return latencyStep(hops);
  // elevated[i]: true/false for hops that say something, null for a hop that says nothing.
  const elevated: (boolean | null)[] = hops.map((h, i) => {
    if (h.address === null) return kind === 'loss' && i > lastAnswering ? true : null;
    if (kind === 'loss') return h.loss_pct >= LOSS_MIN_PCT;
    const base = baselines.get(canonical(h.address));
    return h.avg_ms === null || base === undefined ? null : h.avg_ms >= base + LATENCY_STEP_MS;
  });
  // The onset: walking back from the end, as far as every hop that says something is elevated.
  let onset: number | null = null;
  for (let i = hops.length - 1; i >= 0; i--) {
    if (elevated[i] === false) break;
    if (elevated[i] === true) onset = i;
  }
  if (onset === null) return null;
  for (let i = onset - 1; i >= 0; i--) if (hops[i].address !== null) return i;
  return null;
}

/**
 * Latency without a baseline: the earliest answering hop after which every answering hop is at
 * least LATENCY_STEP_MS slower than it.
 */
function latencyStep(hops: readonly MtrHop[]): number | null {
  const answering = hops.flatMap((h, i) => (h.address !== null && h.avg_ms !== null ? [{ i, ms: h.avg_ms }] : []));
  for (let s = 0; s < answering.length - 1; s++) {
    if (answering.slice(s + 1).every((a) => a.ms >= answering[s].ms + LATENCY_STEP_MS)) return answering[s].i;
  }
  return null;
}

const addressAt = (o: MtrObservation, i: number): string | null => {
  const a = o.hops[i]?.address;
  return a ? canonical(a) : null;
};

/** The address after position i on a path (the way out of the hop), null at the end. */
function nextAddress(o: MtrObservation, i: number): string | null {
  for (let j = i + 1; j < o.hops.length; j++) {
    const a = addressAt(o, j);
    if (a !== null) return a;
  }
  return null;
}

const meanPosition = (ds: DegradedPath[]) => ds.reduce((sum, d) => sum + (d.suspect as number), 0) / ds.length;

/** The largest group of paths by key (ties: earliest mean hop position, then the key); empty when no path has a key. */
function largestGroup(paths: DegradedPath[], key: (d: DegradedPath) => string | null): DegradedPath[] {
  const groups = new Map<string, DegradedPath[]>();
  for (const d of paths) {
    const k = key(d);
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), d]);
  }
  const best = [...groups.entries()].sort(([ka, a], [kb, b]) => b.length - a.length || meanPosition(a) - meanPosition(b) || ka.localeCompare(kb))[0];
  return best?.[1] ?? [];
}

/** Rule 5 for one group of explained paths: the cause, its counts, confidence and evidence. */
function causeOf(scope: 'hop' | 'as', explained: DegradedPath[], degraded: DegradedPath[], healthy: MtrObservation[], asn: number | null): RootCause {
  const suspectOf = (d: DegradedPath) => addressAt(d.newest, d.suspect as number) as string;
  const count = new Map<string, number>();
  for (const d of explained) count.set(suspectOf(d), (count.get(suspectOf(d)) ?? 0) + 1);
  const addresses = [...count.keys()].sort((a, b) => (count.get(b) as number) - (count.get(a) as number) || a.localeCompare(b));
  const inGroup = new Set(addresses);
  const crosses = (o: MtrObservation) => o.hops.some((_, i) => inGroup.has(addressAt(o, i) as string));
  const exits = new Set(explained.map((d) => nextAddress(d.newest, d.suspect as number)));
  const contradicting = healthy.filter((o) => o.hops.some((_, i) => inGroup.has(addressAt(o, i) as string) && exits.has(nextAddress(o, i)))).length;
  const degradedThrough = degraded.filter((d) => crosses(d.newest)).length;
  const kind: IncidentKind = explained.filter((d) => d.kind === 'loss').length * 2 >= explained.length ? 'loss' : 'latency';
  const at = explained.flatMap((d) => d.series.window.map((o) => o.createdAt.getTime()));
  return {
    kind,
    scope,
    ip: addresses[0],
    addresses,
    asn,
    hostname: explained.map((d) => d.newest.hops[d.suspect as number].hostname).find((h) => h) ?? null,
    paths: explained.length,
    probes: new Set(explained.map((d) => d.series.probeId)).size,
    agents: new Set(explained.map((d) => d.series.agentId)).size,
    targets: new Set(explained.map((d) => d.series.target)).size,
    degradedPaths: degraded.length,
    confidence: round(explained.length / (degradedThrough + contradicting), 2),
    firstSeen: new Date(Math.min(...at)),
    lastSeen: new Date(Math.max(...at)),
    evidence: explained
      .map((d) => {
        const before = d.newest.hops[d.suspect as number];
        const end = endOf(d.newest) as MtrHop;
        return {
          probeId: d.series.probeId,
          agentId: d.series.agentId,
          target: d.series.target,
          hop: before.hop,
          ip: suspectOf(d),
          lossBeforePct: before.loss_pct,
          lossAfterPct: end.loss_pct,
          rttBeforeMs: before.avg_ms,
          rttAfterMs: end.address ? end.avg_ms : null,
          baselineLossPct: d.baselineLossPct,
          baselineRttMs: d.baselineRttMs === null ? null : round(d.baselineRttMs),
          at: d.newest.createdAt,
        };
      })
      .sort((a, b) => a.agentId - b.agentId || a.probeId - b.probeId || a.target.localeCompare(b.target)),
  };
}

/**
 * Rules 1–6 on the MTR results of a window and the results before it (the baseline), both of
 * any number of series. Pure: no clock, no I/O.
 */
export function findRootCauses(
  window: readonly MtrObservation[],
  baseline: readonly MtrObservation[] = [],
  /** The AS of an address (GeoIP), for causes shared by AS rather than by address; none without it. */
  asnOf?: (ip: string) => number | null,
): RootCause[] {
  const series = seriesOf(window, baseline);
  const degraded: DegradedPath[] = [];
  const healthy: MtrObservation[] = [];
  for (const s of series) {
    const newest = s.window.reduce((a, b) => (b.createdAt >= a.createdAt ? b : a));
    const d = degradation(s);
    if (!d) {
      healthy.push(newest);
      continue;
    }
    degraded.push({ series: s, newest, suspect: suspectHop(newest.hops, d.kind, hopBaselines(s.baseline)), ...d });
  }

  const causes: RootCause[] = [];
  const suspectIp = (d: DegradedPath): string => addressAt(d.newest, d.suspect as number) as string;
  const asKey = (d: DegradedPath): string | null => {
    const asn = asnOf?.(suspectIp(d)) ?? null;
    return asn === null ? null : String(asn);
  };
  let open = degraded.filter((d) => d.suspect !== null);
  while (open.length >= MIN_INCIDENT_PATHS) {
    // A shared address first; only when none is left, paths whose suspects differ but belong to
    // one AS (a provider's routers answering from different addresses).
    let scope: 'hop' | 'as' = 'hop';
    let explained = largestGroup(open, suspectIp);
    if (explained.length < MIN_INCIDENT_PATHS) {
      scope = 'as';
      explained = largestGroup(open, asKey);
      if (explained.length < MIN_INCIDENT_PATHS) break;
    }
    causes.push(causeOf(scope, explained, degraded, healthy, scope === 'as' ? (asnOf?.(suspectIp(explained[0])) ?? null) : null));
    open = open.filter((d) => !explained.includes(d));
  }
  return causes;
}
