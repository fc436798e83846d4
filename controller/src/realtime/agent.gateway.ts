import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import {
  AGENT_NAMESPACE,
  AgentClientToServerEvents,
  AgentEvents,
  AgentHandshakeAuth,
  AgentServerToClientEvents,
  AgentVersion,
  RunEvents,
  RunStatusReport,
  SOCKET_PATH,
} from '@netwatcher/shared';
import type { Namespace, Socket } from 'socket.io';
import { AgentAuthService } from '../agents/agent-auth.service';
import { AgentDirectory } from '../agents/agent-directory.service';
import { AgentPresence } from '../agents/agent-presence.service';
import { CONTROLLER_VERSION } from '../config/version';
import type { AgentRef, ProbeChange } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { IngestService } from '../ingest/ingest.service';
import { ApiError } from '../common/api-error';
import { AgentConfigService } from '../probes/agent-config.service';
import { RunsService } from '../runs/runs.service';
import { SpeedtestQueue } from '../runs/speedtest-queue.service';
import { ConnectedSockets } from './connected-sockets';
import { agentRoom, agentWorkspaceRoom } from './rooms';
import { busyMessage, errorMessage, refusal, toRefusal } from './socket-errors';
import { SocketFlowControl } from './socket-flow-control';

interface AgentSocketData {
  workspaceId: number;
  agentId: number;
  /** The version this socket last reported and we stored: repeats cost no write. */
  reportedVersion?: string;
}

type AgentNamespace = Namespace<AgentClientToServerEvents, AgentServerToClientEvents, Record<string, never>, AgentSocketData>;
type AgentSocket = Socket<AgentClientToServerEvents, AgentServerToClientEvents, Record<string, never>, AgentSocketData>;

function header(socket: AgentSocket, name: string): string | undefined {
  const value = socket.handshake.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Headers first (what the seed documents), `auth` for clients that cannot set headers. */
function handshakeCredentials(socket: AgentSocket): unknown {
  const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
  return {
    workspace_id: header(socket, 'x-workspace-id') ?? auth.workspace_id,
    agent_id: header(socket, 'x-agent-id') ?? auth.agent_id,
    psk: header(socket, 'x-agent-psk') ?? auth.psk,
  };
}

/**
 * The agent side of the protocol, transport only: PSK handshake, `probe_get` (asked, and pushed
 * on `probe.changed`), `probe_post` handed to the ingest pipeline, `version`. Presence is
 * agents/' AgentPresence, configs are built by probes/. Every handler validates its input and
 * catches its own errors, so one bad message costs one error reply, never the connection.
 */
@WebSocketGateway({ path: SOCKET_PATH, namespace: AGENT_NAMESPACE })
export class AgentGateway implements OnGatewayInit<AgentNamespace>, OnGatewayConnection<AgentSocket>, OnGatewayDisconnect<AgentSocket>, OnModuleDestroy {
  private readonly logger = new Logger(AgentGateway.name);
  @WebSocketServer() private nsp!: AgentNamespace;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly flow = new SocketFlowControl();

  constructor(
    private readonly auth: AgentAuthService,
    private readonly ingest: IngestService,
    private readonly configs: AgentConfigService,
    private readonly agents: AgentDirectory,
    private readonly presence: AgentPresence,
    private readonly events: DomainEventBus,
    private readonly sockets: ConnectedSockets,
    private readonly runs: RunsService,
    private readonly speedtests: SpeedtestQueue,
  ) {}

  afterInit(nsp: AgentNamespace): void {
    this.sockets.track('agent', nsp);
    nsp.use((socket, next) => {
      const creds = AgentHandshakeAuth.safeParse(handshakeCredentials(socket));
      if (!creds.success) {
        next(refusal('bad_request', 400, 'X-Workspace-ID, X-Agent-ID and X-Agent-PSK are required'));
        return;
      }
      this.auth.authenticatePsk(creds.data.workspace_id, creds.data.agent_id, creds.data.psk).then(
        (agent) => {
          socket.data = { workspaceId: agent.workspaceId, agentId: agent.id };
          next();
        },
        (e: unknown) => {
          this.logger.warn({ agent_id: creds.data.agent_id, workspace_id: creds.data.workspace_id, reason: (e as Error).message }, 'agent connection refused');
          next(toRefusal(e));
        },
      );
    });
    this.unsubscribe.push(
      this.events.on('probe.changed', (change) => this.pushConfig(change)),
      this.events.on('agent.deleted', (agent) => this.disconnect(agent)),
      this.events.on('workspace.deleted', ({ workspaceId }) => this.endDeletedWorkspace(workspaceId)),
      this.events.on('run.start', ({ agentId, start }) => void this.nsp.to(agentRoom(agentId)).emit(RunEvents.RunStart, start)),
      this.events.on('run.cancel', ({ agentId, runId }) => void this.nsp.to(agentRoom(agentId)).emit(RunEvents.RunCancel, { run_id: runId })),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  /** A deleted workspace's agents are gone: drop their sockets; on reconnect they are told 410 and stop. */
  private endDeletedWorkspace(workspaceId: number): void {
    this.nsp.in(agentWorkspaceRoom(workspaceId)).disconnectSockets(true);
  }

  async handleConnection(socket: AgentSocket): Promise<void> {
    const { agentId, workspaceId } = socket.data;
    await socket.join([agentRoom(agentId), agentWorkspaceRoom(workspaceId)]);
    // probe_get and version cost a query each: rate-limited per socket, and a burst of probe_get
    // is answered by one fetch in flight plus one after it (the newest config is what counts).
    socket.on(AgentEvents.ProbeGet, () =>
      this.throttled(socket, AgentEvents.ProbeGet, () => this.flow.coalesce(`${socket.id}:config`, () => this.sendConfig(socket))),
    );
    socket.on(AgentEvents.ProbePost, (raw: unknown) => this.safely(socket, AgentEvents.ProbePost, () => this.receiveResults(socket, raw)));
    socket.on(AgentEvents.Version, (raw: unknown) => this.throttled(socket, AgentEvents.Version, () => this.receiveVersion(socket, raw)));
    socket.on(RunEvents.RunStatus, (raw: unknown) => this.throttled(socket, RunEvents.RunStatus, () => this.receiveRunStatus(socket, raw)));
    this.logger.log({ agent_id: agentId, workspace_id: workspaceId, address: socket.handshake.address }, 'agent connected');
    this.presence.connect(agentId);
    // Speed tests waiting for this agent may start now.
    this.speedtests.kick();
  }

  handleDisconnect(socket: AgentSocket): void {
    this.flow.forget(socket.id);
    if (!socket.data?.agentId) return;
    this.presence.disconnect(socket.data.agentId);
    this.logger.log({ agent_id: socket.data.agentId }, 'agent disconnected');
    const { workspaceId, agentId } = socket.data;
    this.runs.agentDisconnected(workspaceId, agentId).catch((e: unknown) => this.logger.warn({ err: e, agent_id: agentId }, 'failing the runs of a disconnected agent failed'));
  }

  private async receiveRunStatus(socket: AgentSocket, raw: unknown): Promise<void> {
    const parsed = RunStatusReport.safeParse(raw);
    if (!parsed.success) {
      socket.emit(AgentEvents.Error, errorMessage(RunEvents.RunStatus, 'bad_request', 'run_status must be {run_id, status: running|completed|failed, error?, result_ids?}'));
      return;
    }
    await this.runs.report(socket.data.workspaceId, socket.data.agentId, parsed.data);
  }

  private async sendConfig(socket: AgentSocket): Promise<void> {
    socket.emit(AgentEvents.ProbeGet, await this.configs.configSet(socket.data.workspaceId, socket.data.agentId));
  }

  private async receiveResults(socket: AgentSocket, raw: unknown): Promise<void> {
    const outcome = await this.ingest.ingest(socket.data, raw);
    switch (outcome.kind) {
      case 'stored':
        socket.emit(AgentEvents.ProbePostOk, outcome.ack);
        return;
      case 'busy':
        socket.emit(AgentEvents.Error, busyMessage(outcome.error, outcome.retryAfterMs, outcome.resultId));
        return;
      case 'refused':
        socket.emit(AgentEvents.Error, errorMessage(AgentEvents.ProbePost, 'bad_request', outcome.reason));
        return;
    }
  }

  private async receiveVersion(socket: AgentSocket, raw: unknown): Promise<void> {
    const parsed = AgentVersion.safeParse(raw);
    if (!parsed.success) {
      socket.emit(AgentEvents.Error, errorMessage(AgentEvents.Version, 'bad_request', 'version must be {version: string}'));
      return;
    }
    if (socket.data.reportedVersion !== parsed.data.version) {
      await this.presence.reportVersion(socket.data.agentId, parsed.data.version);
      socket.data.reportedVersion = parsed.data.version;
    }
    socket.emit(AgentEvents.Version, { ok: true, controller_version: CONTROLLER_VERSION });
  }

  /** Config is pushed, not polled: the agent hears about a change as soon as it commits. */
  private async pushConfig({ workspaceId, agentId }: ProbeChange): Promise<void> {
    if (!(await this.agents.isServing(workspaceId, agentId))) {
      this.disconnect({ workspaceId, agentId });
      return;
    }
    this.nsp.to(agentRoom(agentId)).emit(AgentEvents.ProbeGet, await this.configs.configSet(workspaceId, agentId));
  }

  /** Deleted: drop its connections; on reconnect it is told 410 and stops for good. */
  private disconnect({ agentId }: AgentRef): void {
    this.nsp.in(agentRoom(agentId)).disconnectSockets(true);
  }

  /** `safely`, after the socket's rate limit: beyond it the message is dropped, and said so once a second. */
  private throttled(socket: AgentSocket, event: string, handler: () => Promise<unknown>): Promise<void> {
    const admitted = this.flow.admit(socket.id);
    if (admitted.allowed) return this.safely(socket, event, handler);
    if (admitted.notify) {
      socket.emit(AgentEvents.Error, { ...errorMessage(event, 'rate_limited', `too many ${event} messages; slow down`), retry_after_ms: admitted.retryAfterMs });
      this.logger.warn({ agent_id: socket.data.agentId, event }, 'agent messages rate-limited');
    }
    return Promise.resolve();
  }

  private async safely(socket: AgentSocket, event: string, handler: () => Promise<unknown>): Promise<void> {
    try {
      await handler();
    } catch (e) {
      if (e instanceof ApiError && e.getStatus() === 410) {
        // Deleted (the agent or its workspace) while connected, e.g. on another replica: say so and hang up.
        socket.emit(AgentEvents.Error, errorMessage(event, 'gone', e.message));
        socket.disconnect(true);
        return;
      }
      this.logger.error({ err: e, agent_id: socket.data?.agentId, event }, 'agent message failed');
      socket.emit(AgentEvents.Error, errorMessage(event, 'internal_error', 'the controller could not handle this message; retry later'));
    }
  }
}
