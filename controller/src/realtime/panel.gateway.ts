import { Logger, OnModuleDestroy } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import { InjectRepository } from '@nestjs/typeorm';
import {
  PANEL_NAMESPACE,
  PanelClientToServerEvents,
  PanelEvents,
  PanelServerToClientEvents,
  PanelSubscribe,
  ProbeDataMessage,
  SOCKET_PATH,
} from '@netwatcher/shared';
import type { Namespace, Socket } from 'socket.io';
import { Repository } from 'typeorm';
import type { JwtClaims } from '../auth/jwt.strategy';
import { UserEntity } from '../auth/user.entity';
import { ApiError } from '../common/api-error';
import { IngestService, NewResult } from '../ingest/ingest.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { alertsRoom, probeRoom, workspaceRoom } from './rooms';
import { AlertChanges } from '../alerts/alert-changes';
import { errorMessage, refusal } from './socket-errors';

interface PanelSocketData {
  userId: number;
}

type PanelNamespace = Namespace<PanelClientToServerEvents, PanelServerToClientEvents, Record<string, never>, PanelSocketData>;
type PanelSocket = Socket<PanelClientToServerEvents, PanelServerToClientEvents, Record<string, never>, PanelSocketData>;

function bearer(socket: PanelSocket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string') return fromAuth.replace(/^Bearer\s+/i, '');
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '') : undefined;
}

/**
 * The live feed for browser panels. A valid JWT only opens the connection; each subscription
 * is checked against workspace membership, so a user receives only the workspaces they belong to.
 */
@WebSocketGateway({ path: SOCKET_PATH, namespace: PANEL_NAMESPACE })
export class PanelGateway implements OnGatewayInit<PanelNamespace>, OnGatewayConnection<PanelSocket>, OnModuleDestroy {
  private readonly logger = new Logger(PanelGateway.name);
  @WebSocketServer() private nsp!: PanelNamespace;
  private unsubscribe?: () => void;
  private unsubscribeAlerts?: () => void;

  constructor(
    private readonly jwt: JwtService,
    private readonly access: WorkspaceAccessService,
    private readonly ingest: IngestService,
    private readonly alerts: AlertChanges,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
  ) {}

  afterInit(nsp: PanelNamespace): void {
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (e: unknown) => next(refusal('unauthorized', 401, (e as Error).message)),
      );
    });
    this.unsubscribe = this.ingest.onNewResults((stored) => this.broadcast(stored));
    this.unsubscribeAlerts = this.alerts.on((message) => this.nsp.to(alertsRoom(message.workspace_id)).emit(PanelEvents.Alert, message));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribeAlerts?.();
  }

  handleConnection(socket: PanelSocket): void {
    socket.on(PanelEvents.Subscribe, (raw: unknown) => void this.subscribe(socket, raw, true));
    socket.on(PanelEvents.Unsubscribe, (raw: unknown) => void this.subscribe(socket, raw, false));
  }

  private async authenticate(socket: PanelSocket): Promise<void> {
    const token = bearer(socket);
    if (!token) throw new Error('a JWT is required (Authorization: Bearer … or auth.token)');
    let claims: JwtClaims;
    try {
      claims = this.jwt.verify<JwtClaims>(token, { algorithms: ['HS256'] });
    } catch {
      throw new Error('invalid or expired token');
    }
    const user = await this.users.findOne({ where: { id: claims.sub }, select: { id: true } });
    if (!user) throw new Error('invalid or expired token');
    socket.data = { userId: user.id };
  }

  private async subscribe(socket: PanelSocket, raw: unknown, join: boolean): Promise<void> {
    const event = join ? PanelEvents.Subscribe : PanelEvents.Unsubscribe;
    const parsed = PanelSubscribe.safeParse(raw);
    if (!parsed.success) {
      socket.emit(PanelEvents.Error, errorMessage(event, 'bad_request', 'expected {workspace_id: positive integer, probe_id: integer ≥ 0}'));
      return;
    }
    const { workspace_id, probe_id } = parsed.data;
    const room = probe_id === 0 ? workspaceRoom(workspace_id) : probeRoom(workspace_id, probe_id);
    if (!join) {
      await socket.leave(room);
      return;
    }
    try {
      await this.access.require(socket.data.userId, workspace_id);
    } catch (e) {
      const notFound = e instanceof ApiError;
      if (!notFound) this.logger.error({ err: e }, 'panel subscribe failed');
      socket.emit(PanelEvents.Error, errorMessage(event, notFound ? 'not_found' : 'internal_error', notFound ? 'workspace not found' : 'try again later'));
      return;
    }
    await socket.join([room, alertsRoom(workspace_id)]);
    socket.emit(PanelEvents.Subscribed, { workspace_id, probe_id });
  }

  private broadcast(stored: NewResult[]): void {
    // Socket.IO encodes a packet before it looks for receivers, so results nobody watches are
    // skipped here (a measurable share of the ingest CPU otherwise). This reads the in-memory
    // adapter's rooms: a cross-replica adapter must replace this check.
    const rooms = this.nsp.adapter.rooms;
    for (const { workspaceId, agentId, result } of stored) {
      const targets = [workspaceRoom(workspaceId), probeRoom(workspaceId, result.probe_id)].filter((room) => rooms.has(room));
      if (targets.length === 0) continue;
      const message: ProbeDataMessage = {
        type: 'probe_data',
        workspace_id: workspaceId,
        probe_id: result.probe_id,
        agent_id: agentId,
        probe_type: result.type,
        data: result,
      };
      // One emit to both rooms: a socket in both receives the message once.
      this.nsp.to(targets).emit(PanelEvents.ProbeData, message);
    }
  }
}
