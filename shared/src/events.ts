import { z } from 'zod';
import { ProbeConfig, type ProbeConfigSet } from './probe-config';
import type { ProbePostOk, ProbeResult } from './results';
import { Id, Uuid } from './units';

/** At most this many result ids are named in one `run_status` (and kept per run). */
export const MAX_RUN_RESULT_IDS = 500;

/** The one Socket.IO server lives at this HTTP path; agents and panels use separate namespaces. */
export const SOCKET_PATH = '/ws';
export const AGENT_NAMESPACE = '/agent';
export const PANEL_NAMESPACE = '/panel';

export const AgentEvents = {
  ProbeGet: 'probe_get',
  ProbePost: 'probe_post',
  ProbePostOk: 'probe_post_ok',
  Version: 'version',
  Error: 'error_message',
} as const;

export const PanelEvents = {
  Subscribe: 'subscribe',
  Unsubscribe: 'unsubscribe',
  Subscribed: 'subscribed',
  ProbeData: 'probe_data',
  SpeedtestUpdate: 'speedtest_update',
  RunUpdate: 'run_update',
  NetworkMapUpdate: 'network_map_update',
  Alert: 'alert',
  Error: 'error_message',
} as const;

/** Handshake credentials: headers `X-Workspace-ID`, `X-Agent-ID`, `X-Agent-PSK`, or the same in `auth`. */
export const AgentHandshakeAuth = z.object({
  workspace_id: z.coerce.number().pipe(Id),
  agent_id: z.coerce.number().pipe(Id),
  psk: z.string().min(16).max(256),
});
export type AgentHandshakeAuth = z.infer<typeof AgentHandshakeAuth>;

export const AgentVersion = z.object({ version: z.string().min(1).max(64) });
export type AgentVersion = z.infer<typeof AgentVersion>;

export interface SocketErrorMessage {
  error: string;
  code: string;
  /** The event that caused it, so a client can tell which message was refused. */
  event?: string;
  /**
   * With code `busy` (a `probe_post` the controller could not queue: nothing of it was taken):
   * send the unacked results again after this long.
   */
  retry_after_ms?: number;
  /** With code `busy`: the id of the refused post's first result, naming the post to send again. */
  result_id?: string;
}

/** `error_message.code` for a `probe_post` refused under overload: retry after `retry_after_ms`. */
export const BUSY_CODE = 'busy';

/**
 * Why a connection was refused, in `connect_error.data`. `gone` (agent deleted) means stop for
 * good; `unauthorized` means the credentials are wrong and retrying them will not help.
 */
export interface AgentConnectRefusal {
  code: 'unauthorized' | 'gone' | 'bad_request';
  status: 400 | 401 | 410;
  error: string;
}

export interface AgentServerToClientEvents extends AgentRunServerToClientEvents {
  probe_get: (set: ProbeConfigSet) => void;
  probe_post_ok: (ack: ProbePostOk) => void;
  version: (info: { ok: true; controller_version: string }) => void;
  error_message: (err: SocketErrorMessage) => void;
}

export interface AgentClientToServerEvents extends AgentRunClientToServerEvents {
  probe_get: () => void;
  probe_post: (results: ProbeResult | ProbeResult[]) => void;
  version: (info: AgentVersion) => void;
}

export const PanelSubscribe = z.object({
  type: z.literal('subscribe').optional(),
  workspace_id: Id,
  /** 0 subscribes to every probe of the workspace. */
  probe_id: z.number().int().min(0).max(2_147_483_647),
  /**
   * Only the workspace's `alert` events, no probe data (probe_id is then ignored): a panel
   * follows the alerts of every workspace of its user and the results of the one on screen.
   */
  alerts_only: z.boolean().optional(),
});
export type PanelSubscribe = z.infer<typeof PanelSubscribe>;

export interface ProbeDataMessage {
  type: 'probe_data';
  workspace_id: number;
  probe_id: number;
  agent_id: number;
  probe_type: ProbeResult['type'];
  data: ProbeResult;
}

export interface SpeedtestUpdateMessage {
  type: 'speedtest_update';
  workspace_id: number;
  agent_id: number;
  queue_id: number;
  status: RunStatus;
}

export interface NetworkMapUpdateMessage {
  type: 'network_map_update';
  workspace_id: number;
  nodes: unknown[];
  edges: unknown[];
  generated_at: string;
}

/** An alert as listed by GET /workspaces/alerts (the contract's fields). */
export interface AlertSummary {
  id: number;
  workspace_id: number;
  rule_id: number | null;
  probe_id: number | null;
  agent_id: number | null;
  probe_type: string | null;
  probe_name: string | null;
  probe_target: string | null;
  agent_name: string | null;
  metric: string;
  value: number;
  threshold: number;
  severity: string;
  status: string;
  fault_at: string | null;
  triggered_at: string;
  acknowledged_at: string | null;
  acknowledged_by: number | null;
  resolved_at: string | null;
}

/** `alert` on /panel: an alert was created, re-notified, acknowledged or resolved. Sent to members who subscribed to its workspace. */
export interface AlertChangedMessage {
  type: 'alert';
  action: 'created' | 'renotify' | 'acknowledged' | 'resolved';
  workspace_id: number;
  alert: AlertSummary;
}

export interface PanelServerToClientEvents {
  subscribed: (info: { workspace_id: number; probe_id: number }) => void;
  probe_data: (msg: ProbeDataMessage) => void;
  speedtest_update: (msg: SpeedtestUpdateMessage) => void;
  run_update: (msg: RunUpdateMessage) => void;
  network_map_update: (msg: NetworkMapUpdateMessage) => void;
  alert: (msg: AlertChangedMessage) => void;
  error_message: (err: SocketErrorMessage) => void;
}

export interface PanelClientToServerEvents {
  subscribe: (msg: PanelSubscribe) => void;
  unsubscribe: (msg: PanelSubscribe) => void;
}

/*
 * On-demand runs and the speed-test queue (README "On-demand runs and the speed-test queue").
 * The controller tells an agent to run one probe now (`run_start`), or to stop one (`run_cancel`);
 * the agent reports how it goes (`run_status`). The results themselves travel as every result
 * does (spool, `probe_post`), carrying `run_id`.
 */
export const RunEvents = {
  RunStart: 'run_start',
  RunCancel: 'run_cancel',
  RunStatus: 'run_status',
} as const;

/** A run's life: queued (speed tests wait for their turn) → running → completed | failed | cancelled. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** The statuses a run leaves no more. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
/** What an agent may report about a run; cancelling is the controller's word. */
export const AGENT_RUN_STATUSES = ['running', 'completed', 'failed'] as const;

/**
 * The probe a run measures: a configured probe (its id) or an ad-hoc one (id 0, which no probe
 * has; its results carry probe_id 0 and the run id, and appear in no probe's data).
 */
export const RunProbeConfig = ProbeConfig.extend({ id: z.number().int().min(0).max(2_147_483_647) });
export type RunProbeConfig = z.infer<typeof RunProbeConfig>;

export const RunStart = z.object({ run_id: Id, probe: RunProbeConfig, queue_id: Id.optional() });
export type RunStart = z.infer<typeof RunStart>;

export const RunCancel = z.object({ run_id: Id });
export type RunCancel = z.infer<typeof RunCancel>;

export const RunStatusReport = z.object({
  run_id: Id,
  status: z.enum(AGENT_RUN_STATUSES),
  error: z.string().max(500).optional(),
  /** With `completed`: the ids of the results the run produced (they may still be on their way). */
  result_ids: z.array(Uuid).max(MAX_RUN_RESULT_IDS).optional(),
});
export type RunStatusReport = z.infer<typeof RunStatusReport>;

/** `run_update` on /panel: a run of the workspace changed status or got results stored. */
export interface RunUpdateMessage {
  type: 'run_update';
  workspace_id: number;
  agent_id: number;
  run_id: number;
  status: RunStatus;
  /** The run's results known so far (fetch them with GET …/runs/{run_id}). */
  result_ids?: string[];
  error?: string;
}

export interface AgentRunServerToClientEvents {
  run_start: (msg: RunStart) => void;
  run_cancel: (msg: RunCancel) => void;
}

export interface AgentRunClientToServerEvents {
  run_status: (msg: RunStatusReport) => void;
}
