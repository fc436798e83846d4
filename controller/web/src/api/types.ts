/*
 * The REST shapes the panel reads. They are not restated here: each is the controller's own view
 * type, taken from the generated OpenAPI document (`openapi.generated.ts`, written by
 * `npm run openapi` from openapi.json), so a change to a view breaks the panel's type check
 * instead of drifting silently. Probe results and socket messages come from the shared protocol
 * package.
 */
import type { AlertSummary, ProbeType } from '@netwatcher/shared';
import type { components, paths } from './openapi.generated';

type Schemas = components['schemas'];
/** The JSON body a route answers with, for routes whose view is declared inline. */
type JsonAnswer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type { ProbeType };
/** An alert as listed and as carried by the panel socket's `alert` event. */
export type Alert = AlertSummary;

/** The list envelope of every paginated route. */
export interface List<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

export type User = Schemas['UserView'];
export type AuthAnswer = Schemas['AuthResponse'];
export type Workspace = Schemas['WorkspaceView'];
export type WorkspaceRole = Workspace['my_role'];
export type Member = Schemas['MemberView'];
export type Agent = Schemas['AgentView'];
export type CreatedAgent = JsonAnswer<'/workspaces/{id}/agents', 'post', 201>;
export type Probe = Schemas['ProbeView'];
/** One bucket of `GET …/probe-data/probes/{id}/chart`. */
export type ChartBucket = Schemas['ChartPointView'];
export type ChartView = Schemas['ProbeChartView'];
/** A stored result as the panel keeps it: from `probe-data/find`, or built from a live `probe_data` message. */
export type StoredResult = Pick<Schemas['ProbeDataView'], 'id' | 'probe_id' | 'agent_id' | 'target' | 'created_at' | 'payload'> & {
  type: ProbeType;
};
export type AgentReport = Schemas['AgentReportView'];
export type GeoAnswer = Schemas['GeoIpView'];

export const ALERT_STATUSES = ['active', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One entry of `GET /alerts/{id}/history`. */
export type AlertHistoryEntry = Schemas['AlertHistoryView'];
/** `GET /workspaces/{id}/alert-rules/{ruleId}` (the webhook secret is write-only). */
export type AlertRule = Schemas['AlertRuleView'];
/** `POST …/alert-rules/{ruleId}/test`: one line per channel the rule has. */
export type TestNotificationReport = Schemas['TestNotificationReport'];

/* Network map (README "Network map"): GET …/network-map, …/network-map/paths, …/network-map/incidents. */
export type MapNode = Schemas['MapNodeView'];
export type MapNodeKind = MapNode['kind'];
export type MapEdge = Schemas['MapEdgeView'];
export type NetworkMap = Schemas['NetworkMapView'];
export type PathEntry = Schemas['PathView'];
export type IncidentEvidence = Schemas['IncidentEvidenceView'];
export type Incident = Schemas['IncidentView'];
/** One entry of `GET …/network-map/route-changes` (newest first). */
export type RouteChange = Schemas['RouteChangeView'];
export type RouteChangeKind = RouteChange['kind'];

/** `POST …/agents/{agentID}/runs` (README "On-demand runs and the speed-test queue"). */
export type CreatedRun = Schemas['CreatedRunView'];
/** `GET …/agents/{agentID}/runs/{runID}`: the run and its stored results. */
export type Run = Schemas['RunView'];
/** A stored result of a run (the probe-data routes' shape). */
export type RunResult = Run['results'][number];
/** One entry of `GET /workspaces/{id}/speedtest-queue`. */
export type QueueEntry = Schemas['QueueEntryView'];
