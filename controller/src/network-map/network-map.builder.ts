import type { MtrHop } from '@netwatcher/shared';
import { parseIp } from '../lookups/ip-address';
import { reservedRange } from '../lookups/reserved-ranges';
import type { MtrObservation } from '../probe-results/mtr-paths.repository';
import type { MapEdgeView, MapNodeKind, MapNodeView, NetworkMapView } from './network-map.view';

/** A point of one path: the node it lands on and the average RTT measured there (0 at the agent). */
interface PathPoint {
  node: MapNodeView;
  rttMs: number | null;
  lossPct: number | null;
}

interface EdgeTally {
  from: string;
  to: string;
  latencySum: number;
  latencyCount: number;
  lossPct: number | null;
  paths: number;
}

const KIND_ORDER: Record<MapNodeKind, number> = { agent: 0, hop: 1, anonymous: 2, destination: 3 };

/** Canonical text of an address (so 2001:DB8::1 and 2001:db8::1 are one node), or the text as given. */
function canonical(address: string): string {
  return parseIp(address)?.address ?? address;
}

function isPrivate(address: string | null): boolean {
  const ip = address === null ? null : parseIp(address);
  return ip !== null && reservedRange(ip) !== null;
}

function node(id: string, kind: MapNodeKind, label: string, fields: Partial<MapNodeView> = {}): MapNodeView {
  return { id, kind, label, ip: null, agent_id: null, hostname: null, asn: null, as_org: null, country: null, private: false, paths: 0, ...fields };
}

/**
 * Whether the last hop is the destination itself: it answered and, for an address target, it is
 * that address. A host-name target reached at all ends in the address it resolved to.
 */
function reachesTarget(last: MtrHop | undefined, target: string): last is MtrHop & { address: string } {
  if (!last?.address) return false;
  const targetIp = parseIp(target);
  return targetIp === null || targetIp.address === canonical(last.address);
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The workspace's topology from MTR results, one result per path: nodes for the measuring agents,
 * answering hops (one node per address, shared by every path through it), hops that never
 * answered (one anonymous node per path and position: two silent hops are not known to be the
 * same router) and destinations; edges between consecutive points with the RTT added on the way
 * and how many paths use them.
 */
export function buildNetworkMap(results: readonly MtrObservation[], agentNames: ReadonlyMap<number, string>, now = new Date()): NetworkMapView {
  const nodes = new Map<string, MapNodeView>();
  const edges = new Map<string, EdgeTally>();
  const nodeOf = (id: string, make: () => MapNodeView): MapNodeView => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = make()));
    return n;
  };

  for (const result of results) {
    const agentId = result.agentId;
    const points: PathPoint[] = [
      { node: nodeOf(`agent:${agentId}`, () => node(`agent:${agentId}`, 'agent', agentNames.get(agentId) ?? `agent ${agentId}`, { agent_id: agentId })), rttMs: 0, lossPct: 0 },
    ];
    const destinationId = `dest:${result.target}`;
    const destination = nodeOf(destinationId, () => {
      const targetIp = parseIp(result.target);
      // An AGENT probe's destination is a peer agent: named as it, still a node of its own (the
      // peer's address as seen from outside, not the agent's own starting point).
      const peer = result.targetAgent;
      return node(destinationId, 'destination', peer === null ? result.target : (agentNames.get(peer) ?? result.target), {
        ip: targetIp?.address ?? null,
        agent_id: peer,
        private: isPrivate(result.target),
      });
    });
    const last = result.hops[result.hops.length - 1];
    const reached = reachesTarget(last, result.target);

    for (const hop of result.hops) {
      let at: MapNodeView;
      if (reached && hop === last) {
        at = destination;
        at.ip ??= canonical(hop.address as string);
        at.hostname ??= hop.hostname;
      } else if (hop.address === null) {
        const id = `anon:${agentId}:${result.probeId}:${result.target}:${hop.hop}`;
        at = nodeOf(id, () => node(id, 'anonymous', '???'));
      } else {
        const ip = canonical(hop.address);
        at = nodeOf(`hop:${ip}`, () => node(`hop:${ip}`, 'hop', ip, { ip, private: isPrivate(ip) }));
        at.hostname ??= hop.hostname;
      }
      points.push({ node: at, rttMs: hop.address === null ? null : hop.avg_ms, lossPct: hop.loss_pct });
    }

    const seenNodes = new Set<MapNodeView>([destination]);
    for (const p of points) seenNodes.add(p.node);
    for (const n of seenNodes) n.paths += 1;

    const seenEdges = new Set<string>();
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1];
      const b = points[i];
      // A routing loop repeats an address back to back: no edge from a node to itself.
      if (a.node === b.node) continue;
      const key = `${a.node.id}\u0000${b.node.id}`;
      let tally = edges.get(key);
      if (!tally) edges.set(key, (tally = { from: a.node.id, to: b.node.id, latencySum: 0, latencyCount: 0, lossPct: null, paths: 0 }));
      if (a.rttMs !== null && b.rttMs !== null) {
        tally.latencySum += Math.max(0, b.rttMs - a.rttMs);
        tally.latencyCount += 1;
      }
      if (b.lossPct !== null) tally.lossPct = Math.max(tally.lossPct ?? 0, b.lossPct);
      // A path that crosses the same edge twice (a loop) still counts once.
      if (!seenEdges.has(key)) {
        seenEdges.add(key);
        tally.paths += 1;
      }
    }
  }

  return {
    nodes: [...nodes.values()].sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.id.localeCompare(y.id)),
    edges: [...edges.values()]
      .map(
        (t): MapEdgeView => ({
          from: t.from,
          to: t.to,
          latency_ms: t.latencyCount === 0 ? null : round(t.latencySum / t.latencyCount),
          loss_pct: t.lossPct,
          paths: t.paths,
        }),
      )
      .sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to)),
    generated_at: now.toISOString(),
  };
}
