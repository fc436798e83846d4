import type { MapEdge, MapNode, NetworkMap } from '../api/types';

/** Where one node is drawn (centre), in SVG user units. */
export interface PlacedNode {
  node: MapNode;
  x: number;
  y: number;
  column: number;
}

export interface PlacedEdge {
  edge: MapEdge;
  from: PlacedNode;
  to: PlacedNode;
}

export interface MapLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const COLUMN_WIDTH = 190;
export const ROW_HEIGHT = 64;
export const MARGIN = 90;

/**
 * A layered drawing with no graph library: agents in the first column, destinations in the last,
 * every other node in the column of its hop index (its shortest distance in edges from an
 * agent, which is mtr's hop number on the shortest path through it). Inside a column, nodes are
 * ordered by the mean row of the nodes that lead into them (one barycentre sweep, left to right),
 * which keeps most paths straight; ties keep the API's order (kind, then id).
 */
export function layoutMap(map: NetworkMap): MapLayout {
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const edges = map.edges.filter((e) => byId.has(e.from) && byId.has(e.to));
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  for (const e of edges) {
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    prev.set(e.to, [...(prev.get(e.to) ?? []), e.from]);
  }

  // Breadth-first from every agent at once: the hop index of each node.
  const depth = new Map<string, number>();
  let frontier = map.nodes.filter((n) => n.kind === 'agent').map((n) => n.id);
  for (const id of frontier) depth.set(id, 0);
  while (frontier.length > 0) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const to of next.get(id) ?? []) {
        if (depth.has(to)) continue;
        depth.set(to, (depth.get(id) as number) + 1);
        following.push(to);
      }
    }
    frontier = following;
  }
  const innerMax = Math.max(0, ...map.nodes.filter((n) => n.kind !== 'destination' && n.kind !== 'agent').map((n) => depth.get(n.id) ?? 1));
  const lastColumn = innerMax + 1;
  const columnOf = (n: MapNode): number => {
    if (n.kind === 'agent') return 0;
    if (n.kind === 'destination') return lastColumn;
    // A node no agent reaches (never on a drawn path) still gets a place: the first hop column.
    return Math.min(depth.get(n.id) ?? 1, innerMax);
  };

  const columns: MapNode[][] = Array.from({ length: lastColumn + 1 }, () => []);
  for (const n of map.nodes) columns[columnOf(n)].push(n);
  const row = new Map<string, number>();
  columns.forEach((column, c) => {
    const order = column.map((n, i) => {
      const from = (prev.get(n.id) ?? []).map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return { n, i, key: c === 0 || from.length === 0 ? Number.POSITIVE_INFINITY : from.reduce((a, b) => a + b, 0) / from.length };
    });
    order.sort((a, b) => (a.key === b.key ? a.i - b.i : a.key - b.key));
    order.forEach((o, r) => row.set(o.n.id, r));
    columns[c] = order.map((o) => o.n);
  });

  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = MARGIN + tallest * ROW_HEIGHT;
  const placed = new Map<string, PlacedNode>();
  columns.forEach((column, c) => {
    // Each column centred vertically, so a single shared hop sits between the paths it joins.
    const top = (height - column.length * ROW_HEIGHT) / 2 + ROW_HEIGHT / 2;
    column.forEach((n, r) => placed.set(n.id, { node: n, x: MARGIN + c * COLUMN_WIDTH, y: top + r * ROW_HEIGHT, column: c }));
  });
  return {
    nodes: [...placed.values()],
    edges: edges.map((e) => ({ edge: e, from: placed.get(e.from) as PlacedNode, to: placed.get(e.to) as PlacedNode })),
    width: MARGIN * 2 + lastColumn * COLUMN_WIDTH,
    height,
  };
}

/** Edge colour class by loss at its far end: the same 5 % the incident analysis calls degraded. */
export function lossClass(loss: number | null): 'unknown' | 'ok' | 'warn' | 'bad' {
  if (loss === null) return 'unknown';
  if (loss === 0) return 'ok';
  return loss < 5 ? 'warn' : 'bad';
}

/** Stroke width by how many paths share the edge (1 → 1.5, growing slowly, capped). */
export function edgeWidth(paths: number): number {
  return Math.min(8, 1.5 + Math.log2(Math.max(1, paths)) * 1.5);
}
