/** What `GET /workspaces/{id}/network-map/incidents` answers (README "Network map", incidents). */
export type IncidentKindView = 'loss' | 'latency';

/** The hop after which the trouble appears. */
export interface IncidentHopView {
  ip: string;
  hostname: string | null;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  private: boolean;
}

/** One degraded path explained by the hop: where the hop sits on it, and what changed behind it. */
export interface IncidentEvidenceView {
  probe_id: number;
  agent_id: number;
  agent_name: string;
  target: string;
  /** mtr's hop number and address of the suspect hop on this path. */
  hop: number;
  ip: string;
  /** Loss and average RTT at the suspect hop and at the end of the path (newest result of the window). */
  loss_before_pct: number;
  loss_after_pct: number;
  rtt_before_ms: number | null;
  rtt_after_ms: number | null;
  /** The path's end loss and RTT before the window (median), null without earlier results. */
  baseline_loss_pct: number | null;
  baseline_rtt_ms: number | null;
  at: string;
}

export interface IncidentView {
  kind: IncidentKindView;
  /** `hop`: the paths share the hop's address; `as`: their suspect hops differ but belong to one AS (`hop` is the most shared of `addresses`). */
  scope: 'hop' | 'as';
  hop: IncidentHopView;
  /** Every suspect address of the explained paths, most shared first (just `hop.ip` for `hop`). */
  addresses: string[];
  /** One sentence: "4 paths (4 probes) from 2 agents lose packets after AS64500 hop 10.1.2.3". */
  summary: string;
  paths: number;
  probes: number;
  agents: number;
  targets: number;
  /** Every degraded path of the window, explained by this hop or not. */
  degraded_paths: number;
  /** explained / (degraded paths crossing the hop + healthy paths leaving it the same way), 0–1. */
  confidence: number;
  /** The first and last result in the window of the paths it explains. */
  first_seen: string;
  last_seen: string;
  evidence: IncidentEvidenceView[];
}
