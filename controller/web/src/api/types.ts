/*
 * The REST shapes the panel reads, as documented in the README's API section (the controller's
 * view types). Probe results and socket messages come from the shared protocol package instead.
 */
import type { AlertSummary, ProbeType } from '@netwatcher/shared';

export type { ProbeType };
/** An alert as listed and as carried by the panel socket's `alert` event. */
export type Alert = AlertSummary;

export interface List<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: string;
}

export interface AuthAnswer {
  token: string;
  data: User;
}

export type WorkspaceRole = 'VIEWER' | 'USER' | 'ADMIN' | 'OWNER';

export interface Workspace {
  id: number;
  name: string;
  description: string;
  ownerId: number;
  my_role: WorkspaceRole;
}

export interface Member {
  id: number;
  workspaceId: number;
  userId: number | null;
  email: string;
  name: string;
  role: WorkspaceRole;
  status: 'active' | 'pending';
}

export interface Agent {
  id: number;
  workspace_id: number;
  name: string;
  description: string;
  location: string;
  version: string;
  last_seen_at: string | null;
  online: boolean;
  initialized: boolean;
}

export interface CreatedAgent {
  agent: Agent;
  pin: string;
  /** Added by the agent packaging work: a ready-made install command, shown when present. */
  install_command?: string;
}

export interface Probe {
  id: number;
  workspace_id: number;
  agent_id: number;
  type: ProbeType;
  enabled: boolean;
  interval_sec: number;
  timeout_sec: number;
  count: number;
  duration_sec: number;
  server: boolean;
  targets: string[];
  agent_targets: number[];
  reverse_of_probe_id: number | null;
}

/** One bucket of `GET …/probe-data/probes/{id}/chart`. */
export interface ChartBucket {
  bucket: string;
  samples: number;
  loss_pct: number | null;
  rtt_min_ms: number | null;
  rtt_avg_ms: number | null;
  rtt_max_ms: number | null;
  rtt_p95_ms: number | null;
  jitter_ms: number | null;
  /** Not sent today; the line becomes the true median as soon as the endpoint carries it. */
  rtt_p50_ms?: number | null;
}

export interface ChartView {
  probe_id: number;
  type: string;
  from: string;
  to: string;
  bucket_seconds: number;
  source: string;
  data: ChartBucket[];
}

export interface StoredResult {
  id: string;
  probe_id: number;
  agent_id: number;
  type: ProbeType;
  target: string;
  created_at: string;
  payload: unknown;
}

export interface AgentReport {
  agent_id: number;
  reported_at: string | null;
  data: Record<string, unknown> | null;
}

export interface GeoAnswer {
  ip: string;
  city?: { name?: string; subdivision?: string };
  country?: { code?: string; name?: string };
  asn?: { number?: number; organization?: string };
  coordinates?: { latitude: number; longitude: number; accuracy_radius?: number };
  reserved?: { range: string; description: string };
}

export const ALERT_STATUSES = ['active', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One entry of `GET /alerts/{id}/history`. */
export interface AlertHistoryEntry {
  kind: string;
  value: number | null;
  suppressed: string | null;
  actor_user_id: number | null;
  at: string;
}

/** `GET /workspaces/{id}/alert-rules/{ruleId}` (the webhook secret is write-only). */
export interface AlertRule {
  id: number;
  workspace_id: number;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  clear_threshold: number | null;
  severity: string;
  probe_id: number | null;
  agent_id: number | null;
  target: string | null;
  quorum_min_agents: number;
  sustain_count: number;
  sustain_seconds: number;
  renotify_seconds: number | null;
  cooldown_seconds: number;
  flap_window_seconds: number | null;
  flap_max_transitions: number | null;
  notify_panel: boolean;
  notify_webhook: boolean;
  webhook_url: string | null;
  has_webhook_secret: boolean;
  webhook_template: string;
  notify_email: boolean;
  email_to: string[];
  enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** `POST …/alert-rules/{ruleId}/test`: one line per channel the rule has. */
export interface TestNotificationReport {
  results: { channel: string; ok: boolean; status: number | null; error: string | null }[];
}

/* Network map (README "Network map"): GET …/network-map, …/network-map/paths, …/network-map/incidents. */
export type MapNodeKind = 'agent' | 'hop' | 'anonymous' | 'destination';

export interface MapNode {
  id: string;
  kind: MapNodeKind;
  label: string;
  ip: string | null;
  agent_id: number | null;
  hostname: string | null;
  asn: number | null;
  as_org: string | null;
  country: string | null;
  private: boolean;
  paths: number;
}

export interface MapEdge {
  from: string;
  to: string;
  latency_ms: number | null;
  loss_pct: number | null;
  paths: number;
}

export interface NetworkMap {
  nodes: MapNode[];
  edges: MapEdge[];
  generated_at: string;
}

export interface PathEntry {
  hops: (string | null)[];
  signature: string;
  first_seen: string;
  last_seen: string;
  count: number;
}

export interface IncidentEvidence {
  probe_id: number;
  agent_id: number;
  agent_name: string;
  target: string;
  hop: number;
  ip: string;
  loss_before_pct: number;
  loss_after_pct: number;
  rtt_before_ms: number | null;
  rtt_after_ms: number | null;
  baseline_loss_pct: number | null;
  baseline_rtt_ms: number | null;
  at: string;
}

export interface Incident {
  kind: 'loss' | 'latency';
  /** `as`: the suspect hops differ but belong to one AS (all in `addresses`). */
  scope: 'hop' | 'as';
  addresses: string[];
  hop: { ip: string; hostname: string | null; asn: number | null; as_org: string | null; country: string | null; private: boolean };
  summary: string;
  paths: number;
  probes: number;
  agents: number;
  targets: number;
  degraded_paths: number;
  confidence: number;
  first_seen: string;
  last_seen: string;
  evidence: IncidentEvidence[];
}
