import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { InjectRepository } from '@nestjs/typeorm';
import {
  AGENT_NAMESPACE,
  AgentClientToServerEvents,
  AgentEvents,
  AgentHandshakeAuth,
  AgentServerToClientEvents,
  AgentVersion,
  SOCKET_PATH,
} from '@netwatcher/shared';
import type { Namespace, Socket } from 'socket.io';
import { In, Repository } from 'typeorm';
import { AgentAuthService } from '../agents/agent-auth.service';
import { AgentEntity } from '../agents/agent.entity';
import { PRESENCE_REFRESH_MS } from '../agents/presence';
import { IngestService } from '../ingest/ingest.service';
import { AgentProbeIndex } from '../ingest/agent-probe-index.service';
import { WriterBusy } from '../ingest/batch-writer';
import { BatchRefused, firstResultId } from '../ingest/result-validation';
import { ProbeChange, ProbeChangeNotifier } from '../probes/probe-change.notifier';
import { ApiError } from '../common/api-error';
import { AccessChange, WorkspaceAccessEvents } from '../workspaces/workspace-access-events';
import { AgentConfigService } from './agent-config.service';
import { agentRoom, agentWorkspaceRoom } from './rooms';
import { busyMessage, errorMessage, refusal, toRefusal } from './socket-errors';

interface AgentSocketData {
  workspaceId: number;
  agentId: number;
}

type AgentNamespace = Namespace<AgentClientToServerEvents, AgentServerToClientEvents, Record<string, never>, AgentSocketData>;
type AgentSocket = Socket<AgentClientToServerEvents, AgentServerToClientEvents, Record<string, never>, AgentSocketData>;

const CONTROLLER_VERSION = '0.1.0';
const SEEN_FLUSH_MS = 1000;
/** How long an agent told `busy` waits before sending again: a few flushes' worth. */
const BUSY_RETRY_MS = 1000;

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
 * The agent side of the protocol: PSK handshake, `probe_get` (asked and pushed), `probe_post`
 * through the ingest pipeline, `version`, presence. Every handler validates its input and
 * catches its own errors, so one bad message costs one error reply, never the connection.
 */
@WebSocketGateway({ path: SOCKET_PATH, namespace: AGENT_NAMESPACE })
export class AgentGateway implements OnGatewayInit<AgentNamespace>, OnGatewayConnection<AgentSocket>, OnGatewayDisconnect<AgentSocket>, OnModuleDestroy {
  private readonly logger = new Logger(AgentGateway.name);
  @WebSocketServer() private nsp!: AgentNamespace;
  private presenceTimer?: NodeJS.Timeout;
  private seenTimer?: NodeJS.Timeout;
  private readonly seenSinceFlush = new Set<number>();
  private unsubscribe?: () => void;
  private unsubscribeAccess?: () => void;
  private busySince = 0;
  private busyRefusals = 0;

  constructor(
    private readonly auth: AgentAuthService,
    private readonly ingest: IngestService,
    private readonly probeIndex: AgentProbeIndex,
    private readonly configs: AgentConfigService,
    private readonly notifier: ProbeChangeNotifier,
    private readonly accessEvents: WorkspaceAccessEvents,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
  ) {}

  afterInit(nsp: AgentNamespace): void {
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
    this.unsubscribe = this.notifier.subscribe((change) => this.pushConfig(change));
    this.unsubscribeAccess = this.accessEvents.subscribe((change) => this.endDeletedWorkspace(change));
    this.presenceTimer = setInterval(() => this.refreshPresence(), PRESENCE_REFRESH_MS);
    this.presenceTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.presenceTimer);
    clearTimeout(this.seenTimer);
    this.unsubscribe?.();
    this.unsubscribeAccess?.();
  }

  /** A deleted workspace's agents are gone: drop their sockets; on reconnect they are told 410 and stop. */
  private endDeletedWorkspace({ workspaceId, userId }: AccessChange): void {
    if (userId !== null) return;
    this.nsp.in(agentWorkspaceRoom(workspaceId)).disconnectSockets(true);
  }

  async handleConnection(socket: AgentSocket): Promise<void> {
    const { agentId, workspaceId } = socket.data;
    await socket.join([agentRoom(agentId), agentWorkspaceRoom(workspaceId)]);
    socket.on(AgentEvents.ProbeGet, () => this.safely(socket, AgentEvents.ProbeGet, () => this.sendConfig(socket)));
    socket.on(AgentEvents.ProbePost, (raw: unknown) => this.safely(socket, AgentEvents.ProbePost, () => this.receiveResults(socket, raw)));
    socket.on(AgentEvents.Version, (raw: unknown) => this.safely(socket, AgentEvents.Version, () => this.receiveVersion(socket, raw)));
    this.logger.log({ agent_id: agentId, workspace_id: workspaceId, address: socket.handshake.address }, 'agent connected');
    this.markSeen(agentId);
  }

  /**
   * Connections mark presence in one UPDATE per second, not one each: after a controller
   * restart thousands of agents reconnect at once, and on PGlite every query runs on the main
   * thread.
   */
  private markSeen(agentId: number): void {
    this.seenSinceFlush.add(agentId);
    if (this.seenTimer) return;
    this.seenTimer = setTimeout(() => {
      this.seenTimer = undefined;
      const ids = [...this.seenSinceFlush];
      this.seenSinceFlush.clear();
      this.agents.update({ id: In(ids) }, { lastSeenAt: new Date(), initialized: true }).catch((e: unknown) => {
        this.logger.warn({ err: e, agents: ids.length }, 'presence update failed');
      });
    }, SEEN_FLUSH_MS);
    this.seenTimer.unref();
  }

  handleDisconnect(socket: AgentSocket): void {
    if (socket.data?.agentId) this.logger.log({ agent_id: socket.data.agentId }, 'agent disconnected');
  }

  private async sendConfig(socket: AgentSocket): Promise<void> {
    socket.emit(AgentEvents.ProbeGet, await this.configs.configSet(socket.data.workspaceId, socket.data.agentId));
  }

  private async receiveResults(socket: AgentSocket, raw: unknown): Promise<void> {
    try {
      socket.emit(AgentEvents.ProbePostOk, await this.ingest.ingest(socket.data, raw));
    } catch (e) {
      if (!(e instanceof WriterBusy)) throw e;
      this.noteBusy(e);
      // Names the refused post by its first result, so the agent sends that post again, not
      // everything it has in flight (which would multiply the load that made us busy).
      // Jittered, so the refused agents do not all come back in the same instant.
      socket.emit(AgentEvents.Error, busyMessage(e.message, Math.round(BUSY_RETRY_MS * (1 + Math.random())), firstResultId(raw)));
    }
  }

  private async receiveVersion(socket: AgentSocket, raw: unknown): Promise<void> {
    const parsed = AgentVersion.safeParse(raw);
    if (!parsed.success) {
      socket.emit(AgentEvents.Error, errorMessage(AgentEvents.Version, 'bad_request', 'version must be {version: string}'));
      return;
    }
    await this.agents.update({ id: socket.data.agentId }, { version: parsed.data.version, lastSeenAt: new Date() });
    socket.emit(AgentEvents.Version, { ok: true, controller_version: CONTROLLER_VERSION });
  }

  /** Config is pushed, not polled: the agent hears about a change as soon as it commits. */
  private async pushConfig({ workspaceId, agentId }: ProbeChange): Promise<void> {
    this.probeIndex.invalidate(agentId);
    const agent = await this.agents.findOne({ where: { id: agentId, workspaceId }, select: { id: true } });
    if (!agent) {
      // Deleted: drop its connections; on reconnect it is told 410 and stops for good.
      this.nsp.in(agentRoom(agentId)).disconnectSockets(true);
      return;
    }
    this.nsp.to(agentRoom(agentId)).emit(AgentEvents.ProbeGet, await this.configs.configSet(workspaceId, agentId));
  }

  /** Every connected agent goes through the same batched update as a new connection. */
  private refreshPresence(): void {
    for (const socket of this.nsp.sockets.values()) if (socket.data.agentId) this.markSeen(socket.data.agentId);
  }

  /** One log line per overload episode second, not one per refused message. */
  private noteBusy(e: WriterBusy): void {
    this.busyRefusals++;
    const now = Date.now();
    if (now - this.busySince < 1000) return;
    this.logger.warn({ queued_results: e.queuedRows, refused_posts: this.busyRefusals }, 'ingest overloaded: refusing results until the write queue drains');
    this.busySince = now;
    this.busyRefusals = 0;
  }

  private async safely(socket: AgentSocket, event: string, handler: () => Promise<unknown>): Promise<void> {
    try {
      await handler();
    } catch (e) {
      if (e instanceof BatchRefused) {
        socket.emit(AgentEvents.Error, errorMessage(event, 'bad_request', e.message));
        return;
      }
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
