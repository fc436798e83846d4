import type { RouteChangeKind } from './route-diff';

/** One side of a route change: the hop addresses (null: a hop that never answered) and the AS path. */
export interface RoutePathSideView {
  hops: (string | null)[];
  /** Distinct ASNs along the path in order; empty when no ASN database knows the hops. */
  as_path: number[];
}

/** What `GET /workspaces/{id}/network-map/route-changes` lists (README "Network map"). */
export interface RouteChangeView {
  id: number;
  probe_id: number;
  agent_id: number;
  target: string;
  kind: RouteChangeKind;
  /** When the result that first showed the new path was measured. */
  detected_at: string;
  before: RoutePathSideView;
  after: RoutePathSideView;
  /** Addresses on the new path that the previous one did not have. */
  added: string[];
  /** Addresses of the previous path that the new one does not have. */
  removed: string[];
}
