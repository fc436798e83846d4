import type { AlertChangedMessage, NetworkMapUpdateMessage, ProbeResult, RunStart, RunUpdateMessage, SpeedtestUpdateMessage } from '@netwatcher/shared';

/** An agent's probe set changed (created, edited, deleted, copied, or a peer agent went away). */
export interface ProbeChange {
  workspaceId: number;
  agentId: number;
}

export interface AgentRef {
  workspaceId: number;
  agentId: number;
}

/** One result as ingested: who measured it and what it says. */
export interface NewResult {
  workspaceId: number;
  agentId: number;
  result: ProbeResult;
}

export type MemberChangeKind = 'added' | 'removed' | 'role_changed';

/**
 * A membership that grants access changed. `userId` is null for an invitation to an e-mail with
 * no account yet (it grants nothing until accepted, which is another `added`).
 */
export interface MemberChange {
  workspaceId: number;
  userId: number | null;
  kind: MemberChangeKind;
}

/**
 * Every domain event: its name and its payload. Payloads are plain JSON-serialisable data
 * (numbers, strings, arrays, plain objects), so a cross-replica transport can carry them.
 */
export interface DomainEvents {
  'probe.changed': ProbeChange;
  'agent.created': AgentRef;
  'agent.deleted': AgentRef;
  /**
   * Results new for certain, for the live feed: those that cannot be re-deliveries right after
   * validation, the rest once the write stored them. A result appears here once per process.
   */
  'results.new': NewResult[];
  /** Results durably written (re-deliveries excluded), after the agent was acked: for evaluators. */
  'results.stored': NewResult[];
  'member.changed': MemberChange;
  'workspace.deleted': { workspaceId: number };
  /**
   * Some of the user's sessions ended: all earlier ones (password change) or one (logout). API
   * tokens are not affected; subscribers re-check the sessions they hold.
   */
  'user.credentials_changed': { userId: number };
  /** An API token was deleted: whatever it authenticated ends. */
  'token.revoked': { userId: number; tokenId: number };
  /** An alert opened, changed status or resolved, as the panel shows it (names included). */
  'alert.changed': AlertChangedMessage;
  /** Every stored MTR result, judged for route changes (alerts: `route_change`, `as_path_change`). */
  'route.checked': RouteCheck[];
  /** A workspace's map topology changed (new or removed node or edge), throttled per workspace. */
  'network_map.changed': NetworkMapUpdateMessage;
  /** runs/: tell this agent to run a probe now (`run_start`), after the run row committed. */
  'run.start': { workspaceId: number; agentId: number; start: RunStart };
  /** runs/: tell this agent to stop a run (`run_cancel`). */
  'run.cancel': { workspaceId: number; agentId: number; runId: number };
  /** runs/: a run changed status or got results stored (`run_update` to the workspace's panels). */
  'run.changed': RunUpdateMessage;
  /** runs/: a speed-test queue entry changed status (`speedtest_update` to the workspace's panels). */
  'speedtest.changed': SpeedtestUpdateMessage;
}

export type DomainEventName = keyof DomainEvents;

/**
 * An MTR result's path judged against its series' history (network-map/route-diff.ts):
 * `first` (nothing known yet), `same`, `alternate` (ECMP: another recently seen path),
 * `changed` (with the recorded change), or `stale` (older than the path taken last: not judged).
 */
export interface RouteCheck {
  workspaceId: number;
  agentId: number;
  result: ProbeResult;
  outcome: 'first' | 'same' | 'alternate' | 'changed' | 'stale';
  change: { id: number; kind: string; asPathChanged: boolean } | null;
}

/**
 * Which events must reach every controller replica, not only the one that emitted them. A
 * `true` here is the contract for the cross-replica transport; `Record<DomainEventName, …>`
 * makes the compiler ask for a decision on every new event.
 * - probe.changed: every replica drops its probe-index entry and pushes the config to the
 *   agent's sockets, wherever they are connected.
 * - agent.deleted: the agent's sockets may live on any replica; they are closed there.
 * - member.changed, workspace.deleted, user.credentials_changed, token.revoked: panel
 *   subscriptions and sockets on every replica are to be revoked.
 * - results.*: stay local. Panels get results through the Socket.IO adapter already, and each
 *   result is evaluated once, by the replica that ingested it.
 * - agent.created: nothing outside this replica needs it (the agent is not connected yet).
 * - alert.changed: stays local; the panel emit goes through the Socket.IO adapter, which
 *   reaches every replica's sockets.
 * - route.checked: stays local, like the results it judges (evaluated once, where ingested).
 * - network_map.changed: crosses; each replica sends it to its own panel sockets, as it alone
 *   knows which of its probe rooms belong to the workspace.
 */
export const CROSSES_REPLICAS: Readonly<Record<DomainEventName, boolean>> = {
  'probe.changed': true,
  'agent.created': false,
  'agent.deleted': true,
  'results.new': false,
  'results.stored': false,
  'member.changed': true,
  'workspace.deleted': true,
  'user.credentials_changed': true,
  'token.revoked': true,
  'alert.changed': false,
  'route.checked': false,
  'network_map.changed': true,
  // The agent's socket may be on any replica: every replica emits to the sockets it holds.
  'run.start': true,
  'run.cancel': true,
  // Panel emits go through the Socket.IO adapter, like alert.changed.
  'run.changed': false,
  'speedtest.changed': false,
};
