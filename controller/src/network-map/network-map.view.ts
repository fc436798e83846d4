/** What `GET /workspaces/{id}/network-map` answers (README "Network map"). */
export type MapNodeKind = 'agent' | 'hop' | 'anonymous' | 'destination';

export interface MapNodeView {
  /** `agent:<id>`, `hop:<ip>`, `dest:<target>`, or `anon:<agent>:<probe>:<target>:<hop>` for a hop that never answered. */
  id: string;
  kind: MapNodeKind;
  label: string;
  ip: string | null;
  /** The agent itself, or for a destination the peer agent an AGENT probe measured towards. */
  agent_id: number | null;
  /** Reverse DNS name, resolved and cached by the controller (null: none, or not known yet). */
  hostname: string | null;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  /** A private or other special-purpose address (RFC 1918, CGNAT, link-local, …). */
  private: boolean;
  /** How many paths pass through this node. */
  paths: number;
}

export interface MapEdgeView {
  from: string;
  to: string;
  /** Added round-trip time from `from` to `to` (difference of average RTTs, floored at 0), averaged over paths; null when either end never answered. */
  latency_ms: number | null;
  /** Worst loss seen at `to` among the paths using the edge; null when unknown. */
  loss_pct: number | null;
  /** How many paths use the edge. */
  paths: number;
}

export interface NetworkMapView {
  nodes: MapNodeView[];
  edges: MapEdgeView[];
  generated_at: string;
}

export interface PathView {
  /** Hop addresses in order; null for a hop that never answered. */
  hops: (string | null)[];
  /** The hop sequence as one string (`*` for a silent hop): equal signatures, same path. */
  signature: string;
  /** Distinct ASNs along the path in order (local ASN database; private and unknown hops skipped). */
  as_path: number[];
  first_seen: string;
  last_seen: string;
  count: number;
}
