import { Logger, OnModuleDestroy } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import {
  PANEL_NAMESPACE,
  PanelClientToServerEvents,
  PanelEvents,
  PanelServerToClientEvents,
  PanelSubscribe,
  NetworkMapUpdateMessage,
  ProbeDataMessage,
  SOCKET_PATH,
} from '@netwatcher/shared';
import type { Namespace, RemoteSocket, Socket } from 'socket.io';
import { AuthenticateService } from '../auth/authenticate.service';
import { bearerCredential, Caller, reachesWorkspace } from '../auth/caller';
import { grants } from '../auth/scopes';
import { ApiError } from '../common/api-error';
import type { NewResult } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import { ConnectedSockets } from './connected-sockets';
import { activityRoom, alertsRoom, isProbeDataRoom, isWorkspaceDataRoom, probeRoom, userRoom, workspaceRoom } from './rooms';
import { errorMessage, refusal } from './socket-errors';

interface PanelSocketData {
  userId: number;
  caller: Caller;
}

type PanelNamespace = Namespace<PanelClientToServerEvents, PanelServerToClientEvents, Record<string, never>, PanelSocketData>;
type PanelSocket = Socket<PanelClientToServerEvents, PanelServerToClientEvents, Record<string, never>, PanelSocketData>;
/** A socket as `fetchSockets` returns it: on this replica or (with a cluster adapter) another. */
type AnyPanelSocket = RemoteSocket<PanelServerToClientEvents, PanelSocketData>;

/** A refusal whose message may be shown to the client; anything else is reported generically. */
class PanelAuthError extends Error {}

/** `auth.token` (with or without the `Bearer ` prefix) for browsers, else the Authorization header. */
function credential(socket: Pick<PanelSocket, 'handshake'>): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string') return bearerCredential(/^Bearer\s/i.test(fromAuth) ? fromAuth : `Bearer ${fromAuth}`);
  return bearerCredential(socket.handshake.headers.authorization);
}

/**
 * The live feed for browser panels. A valid JWT only opens the connection; each subscription
 * is checked against workspace membership, so a user receives only the workspaces they belong to.
 */
@WebSocketGateway({ path: SOCKET_PATH, namespace: PANEL_NAMESPACE })
export class PanelGateway implements OnGatewayInit<PanelNamespace>, OnGatewayConnection<PanelSocket>, OnModuleDestroy {
  private readonly logger = new Logger(PanelGateway.name);
  @WebSocketServer() private nsp!: PanelNamespace;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly auth: AuthenticateService,
    private readonly access: WorkspaceAccessService,
    private readonly events: DomainEventBus,
    private readonly sockets: ConnectedSockets,
  ) {}

  afterInit(nsp: PanelNamespace): void {
    this.sockets.track('panel', nsp);
    nsp.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (e: unknown) => {
          if (e instanceof PanelAuthError) {
            next(refusal('unauthorized', 401, e.message));
            return;
          }
          // Database trouble and the like: logged here, never passed on to the client.
          this.logger.error({ err: e }, 'panel authentication failed');
          next(new Error('controller temporarily unavailable'));
        },
      );
    });
    this.unsubscribe.push(
      this.events.on('results.new', (results) => this.broadcast(results)),
      this.events.on('alert.changed', (message) => void this.nsp.to(alertsRoom(message.workspace_id)).emit(PanelEvents.Alert, message)),
      this.events.on('network_map.changed', (message) => this.sendMapUpdate(message)),
      this.events.on('run.changed', (message) => void this.nsp.to(activityRoom(message.workspace_id)).emit(PanelEvents.RunUpdate, message)),
      this.events.on('speedtest.changed', (message) => void this.nsp.to(activityRoom(message.workspace_id)).emit(PanelEvents.SpeedtestUpdate, message)),
      this.events.on('member.changed', ({ workspaceId, userId }) => (userId === null ? undefined : this.revoke(workspaceId, userId))),
      this.events.on('workspace.deleted', ({ workspaceId }) => this.revoke(workspaceId, null)),
      this.events.on('user.credentials_changed', ({ userId }) => this.endInvalidSessions(userId)),
      this.events.on('token.revoked', ({ userId, tokenId }) => this.endTokenSockets(userId, tokenId)),
    );
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
  }

  handleConnection(socket: PanelSocket): void {
    void socket.join(userRoom(socket.data.userId));
    socket.on(PanelEvents.Subscribe, (raw: unknown) => void this.subscribe(socket, raw, true));
    socket.on(PanelEvents.Unsubscribe, (raw: unknown) => void this.subscribe(socket, raw, false));
  }

  private async authenticate(socket: PanelSocket): Promise<void> {
    const token = credential(socket);
    if (!token) throw new PanelAuthError('a JWT is required (Authorization: Bearer … or auth.token)');
    let caller: Caller;
    try {
      caller = await this.auth.authenticate(token);
    } catch {
      throw new PanelAuthError('invalid or expired token');
    }
    socket.data = { userId: caller.userId, caller };
  }

  private async subscribe(socket: PanelSocket, raw: unknown, join: boolean): Promise<void> {
    const event = join ? PanelEvents.Subscribe : PanelEvents.Unsubscribe;
    const parsed = PanelSubscribe.safeParse(raw);
    if (!parsed.success) {
      socket.emit(PanelEvents.Error, errorMessage(event, 'bad_request', 'expected {workspace_id: positive integer, probe_id: integer ≥ 0, alerts_only?: boolean}'));
      return;
    }
    const { workspace_id, probe_id, alerts_only } = parsed.data;
    const room = alerts_only ? alertsRoom(workspace_id) : probe_id === 0 ? workspaceRoom(workspace_id) : probeRoom(workspace_id, probe_id);
    if (!join) {
      await socket.leave(room);
      return;
    }
    const { caller } = socket.data;
    if (!grants(caller.scopes, 'probe-data:read')) {
      socket.emit(PanelEvents.Error, errorMessage(event, 'scope_missing', 'this token lacks the probe-data:read scope'));
      return;
    }
    try {
      // A workspace outside the token's restriction answers as one the user is not in.
      if (!reachesWorkspace(caller, workspace_id)) throw ApiError.notFound('workspace');
      await this.access.require(socket.data.userId, workspace_id);
    } catch (e) {
      const notFound = e instanceof ApiError;
      if (!notFound) this.logger.error({ err: e }, 'panel subscribe failed');
      socket.emit(PanelEvents.Error, errorMessage(event, notFound ? 'not_found' : 'internal_error', notFound ? 'workspace not found' : 'try again later'));
      return;
    }
    // Every subscription to a workspace hears of its runs and speed-test queue (activity room).
    await socket.join(grants(caller.scopes, 'alerts:read') ? [room, alertsRoom(workspace_id), activityRoom(workspace_id)] : [room, activityRoom(workspace_id)]);
    socket.emit(PanelEvents.Subscribed, { workspace_id, probe_id });
  }

  /**
   * Ends subscriptions that a committed change took away: every one of a deleted workspace
   * (`userId` null), or those of one user who is no longer a member. The bus carries these
   * events to every replica, and each ends the subscriptions of its own sockets.
   */
  private async revoke(workspaceId: number, userId: number | null): Promise<void> {
    const sockets = userId === null ? [...this.nsp.sockets.values()] : await this.nsp.in(userRoom(userId)).fetchSockets();
    const affected = sockets
      .map((socket) => ({ socket, rooms: [...socket.rooms].filter((room) => isWorkspaceDataRoom(room, workspaceId)) }))
      .filter(({ rooms }) => rooms.length > 0);
    if (affected.length === 0) return;
    if (userId !== null && (await this.stillMember(userId, workspaceId))) return;
    for (const { socket, rooms } of affected) {
      for (const room of rooms) void socket.leave(room);
      socket.emit(PanelEvents.Error, errorMessage(PanelEvents.Subscribe, 'access_revoked', `access to workspace ${workspaceId} ended; subscriptions to it were removed`));
    }
    this.logger.log({ workspace_id: workspaceId, user_id: userId, sockets: affected.length }, 'panel subscriptions revoked');
  }

  /**
   * Some of the user's sessions ended (password change: all earlier ones; logout: one): every
   * socket whose credential no longer authenticates is disconnected. Each is asked again rather
   * than assumed dead, so the sessions still valid (another device, or one opened with the new
   * password just now, here or on another replica) stay.
   */
  private async endInvalidSessions(userId: number): Promise<void> {
    const sockets = await this.nsp.in(userRoom(userId)).fetchSockets();
    const ended: AnyPanelSocket[] = [];
    for (const socket of sockets) {
      // API tokens are not ended by a password change (README "API tokens").
      if (socket.data.caller.tokenId !== undefined) continue;
      if (!(await this.stillAuthenticates(socket))) ended.push(socket);
    }
    this.disconnect(ended, 'this session ended (logout or password change); log in again');
    if (ended.length > 0) this.logger.log({ user_id: userId, sockets: ended.length }, 'panel sockets of ended sessions disconnected');
  }

  private async endTokenSockets(userId: number, tokenId: number): Promise<void> {
    const sockets = (await this.nsp.in(userRoom(userId)).fetchSockets()).filter((s) => s.data.caller.tokenId === tokenId);
    this.disconnect(sockets, 'the API token was deleted');
    if (sockets.length > 0) this.logger.log({ user_id: userId, token_id: tokenId, sockets: sockets.length }, 'panel sockets of a deleted API token disconnected');
  }

  private async stillAuthenticates(socket: AnyPanelSocket): Promise<boolean> {
    try {
      await this.auth.authenticate(credential(socket));
      return true;
    } catch (e) {
      // Fail closed: the panel reconnects, and is let in again if its credential is good.
      if (!(e instanceof ApiError)) this.logger.error({ err: e }, 'panel credential re-check failed; disconnecting');
      return false;
    }
  }

  private disconnect(sockets: AnyPanelSocket[], reason: string): void {
    for (const socket of sockets) {
      socket.emit(PanelEvents.Error, errorMessage('connection', 'credentials_revoked', reason));
      socket.disconnect(true);
    }
  }

  private async stillMember(userId: number, workspaceId: number): Promise<boolean> {
    try {
      await this.access.require(userId, workspaceId);
      return true;
    } catch (e) {
      // Fail closed: a panel can subscribe again once the database answers.
      if (!(e instanceof ApiError)) this.logger.error({ err: e }, 'membership re-check failed; revoking');
      return false;
    }
  }

  /**
   * To this replica's sockets subscribed to the workspace's probe data (all probes or one; not
   * the alerts and activity rooms every subscriber joins): the event reaches every replica, each
   * serves its own sockets.
   */
  private sendMapUpdate(message: NetworkMapUpdateMessage): void {
    const ws = message.workspace_id;
    const rooms = [...this.nsp.adapter.rooms.keys()].filter((room) => isProbeDataRoom(room, ws));
    if (rooms.length > 0) this.nsp.local.to(rooms).emit(PanelEvents.NetworkMapUpdate, message);
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
