import type { MapEdge, MapNode, NetworkMap } from '../api/types';
import { COLUMN_WIDTH, edgeWidth, layoutMap, lossClass, MARGIN } from './layout';

const node = (id: string, kind: MapNode['kind']): MapNode => ({ id, kind, label: id, ip: null, agent_id: null, hostname: null, asn: null, as_org: null, country: null, private: false, paths: 1 });
const edge = (from: string, to: string, loss: number | null = 0): MapEdge => ({ from, to, latency_ms: 1, loss_pct: loss, paths: 1 });

describe('layoutMap (layered: agents left, hops by hop index, destinations right)', () => {
  // a1 → e1 → core → t1/t2 and a2 → e2 → core; a2 also reaches t3 directly after e2.
  const map: NetworkMap = {
    nodes: [node('agent:1', 'agent'), node('agent:2', 'agent'), node('hop:core', 'hop'), node('hop:e1', 'hop'), node('hop:e2', 'hop'), node('dest:t1', 'destination'), node('dest:t2', 'destination'), node('dest:t3', 'destination')],
    edges: [
      edge('agent:1', 'hop:e1'),
      edge('agent:2', 'hop:e2'),
      edge('hop:e1', 'hop:core'),
      edge('hop:e2', 'hop:core'),
      edge('hop:core', 'dest:t1', 40),
      edge('hop:core', 'dest:t2'),
      edge('hop:e2', 'dest:t3'),
    ],
    generated_at: '2026-01-01T00:00:00.000Z',
  };
  const laid = layoutMap(map);
  const at = (id: string) => laid.nodes.find((n) => n.node.id === id);

  it('puts each node in the column of its hop index and every destination in the last column', () => {
    expect(Object.fromEntries(laid.nodes.map((n) => [n.node.id, n.column]))).toEqual({
      'agent:1': 0, 'agent:2': 0, 'hop:e1': 1, 'hop:e2': 1, 'hop:core': 2, 'dest:t1': 3, 'dest:t2': 3, 'dest:t3': 3,
    });
    expect(at('hop:core')?.x).toBe(MARGIN + 2 * COLUMN_WIDTH);
    expect(laid.width).toBe(2 * MARGIN + 3 * COLUMN_WIDTH);
  });

  it('orders a column by the rows of the nodes leading into it (paths stay straight)', () => {
    expect((at('hop:e1')?.y ?? 0) < (at('hop:e2')?.y ?? 0)).toBe(true);
    // t3 hangs off e2 (the lower row), t1/t2 off core: t3 is drawn below them.
    expect((at('dest:t3')?.y ?? 0) > (at('dest:t1')?.y ?? 0)).toBe(true);
    // The lone core is centred between e1 and e2.
    expect(at('hop:core')?.y).toBeCloseTo(((at('hop:e1')?.y ?? 0) + (at('hop:e2')?.y ?? 0)) / 2);
  });

  it('keeps every edge with both ends placed and drops edges to unknown nodes', () => {
    const withStray = layoutMap({ ...map, edges: [...map.edges, edge('hop:core', 'dest:nowhere')] });
    expect(withStray.edges).toHaveLength(7);
    expect(withStray.edges.every((e) => e.from && e.to)).toBe(true);
  });

  it('lays out an empty map and a map of one unreached destination', () => {
    expect(layoutMap({ nodes: [], edges: [], generated_at: '' }).nodes).toEqual([]);
    const lonely = layoutMap({ nodes: [node('agent:1', 'agent'), node('dest:x', 'destination')], edges: [], generated_at: '' });
    expect(lonely.nodes.map((n) => n.column)).toEqual([0, 1]);
  });
});

describe('edge styling', () => {
  it('colours by loss at the far end, with the analysis threshold of 5 %', () => {
    expect([null, 0, 2, 5, 100].map(lossClass)).toEqual(['unknown', 'ok', 'warn', 'bad', 'bad']);
  });
  it('grows the stroke slowly with the paths sharing the edge', () => {
    expect(edgeWidth(1)).toBe(1.5);
    expect(edgeWidth(4)).toBe(4.5);
    expect(edgeWidth(10_000)).toBe(8);
  });
});
