import {
  AGENT_NAMESPACE,
  AgentEvents,
  BUSY_CODE,
  ProbeConfigSet,
  ProbePostOk,
  RunCancel,
  RunStart,
  SOCKET_PATH,
  type RunStatusReport,
  type AgentClientToServerEvents,
  type AgentConnectRefusal,
  type AgentServerToClientEvents,
  type ProbeResult,
} from '@netwatcher/shared';
import { io, type Socket } from 'socket.io-client';
import { AgentExit, ExitCode } from '../exit-codes';
import type { Logger } from '../log';
import { agentHeaders, type AgentCredentials } from './agent-api';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';
import type { ResultChannel } from './result-sender';

export interface ConnectionHandlers {
  onConnected(): void;
  onDisconnected(): void;
  onProbeSet(set: ProbeConfigSet): void;
  onAck(ack: ProbePostOk): void;
  /** A post (named by its first result id, if given) was refused under overload: send it again after `retryAfterMs`. */
  onBusy(retryAfterMs: number, resultId?: string): void;
  /** `run_start`: run this probe now (validated). */
  onRunStart?(msg: RunStart): void;
  onRunCancel?(runId: number): void;
  /** The controller refused us for good (deleted agent, wrong PSK): the agent must stop. */
  onFatal(exit: AgentExit): void;
}

/** Bounds for the controller's `retry_after_ms`: a missing or absurd value cannot stall or flood. */
const DEFAULT_BUSY_RETRY_MS = 1000;
const MAX_BUSY_RETRY_MS = 60_000;

type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

function refusalOf(data: unknown): AgentConnectRefusal | null {
  if (typeof data !== 'object' || data === null) return null;
  const code = (data as { code?: unknown }).code;
  return code === 'unauthorized' || code === 'gone' || code === 'bad_request' ? (data as AgentConnectRefusal) : null;
}

/**
 * The agent's Socket.IO client for the `/agent` namespace at path `/ws`, typed with the shared
 * protocol. socket.io-client reconnects by itself after transport failures (1 s doubling to
 * 60 s, ±20 %); when the server refuses or drops the connection on purpose the client does not
 * retry, so this class does, with the same backoff — except for the two refusals that retrying
 * cannot fix ('gone', 'unauthorized'), which end the agent.
 */
export class ControllerConnection implements ResultChannel {
  private readonly socket: AgentSocket;
  private manualAttempt = 0;
  private manualTimer: NodeJS.Timeout | null = null;
  private lastRevision: string | null = null;
  private closed = false;

  constructor(
    creds: AgentCredentials,
    private readonly version: string,
    private readonly log: Logger,
    private readonly handlers: ConnectionHandlers,
  ) {
    // A controller behind a path prefix (https://host/netwatcher) serves Socket.IO under it.
    const base = new URL(creds.controller);
    const prefix = base.pathname.replace(/\/+$/, '');
    this.socket = io(`${base.origin}${AGENT_NAMESPACE}`, {
      path: `${prefix}${SOCKET_PATH}`,
      transports: ['websocket'],
      extraHeaders: agentHeaders(creds),
      auth: { workspace_id: creds.workspaceId, agent_id: creds.agentId, psk: creds.psk },
      autoConnect: false,
      reconnection: true,
      reconnectionDelay: DEFAULT_BACKOFF.initialMs,
      reconnectionDelayMax: DEFAULT_BACKOFF.maxMs,
      randomizationFactor: DEFAULT_BACKOFF.jitter,
      timeout: 20_000,
    });
    this.wire();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  start(): void {
    this.socket.connect();
  }

  post(results: ProbeResult[]): void {
    this.socket.emit('probe_post', results);
  }

  /** Dropped while disconnected (like every emit here): the controller times the run out. */
  reportRun(status: RunStatusReport): void {
    if (this.socket.connected) this.socket.emit('run_status', status);
  }

  close(): void {
    this.closed = true;
    if (this.manualTimer) clearTimeout(this.manualTimer);
    this.socket.disconnect();
  }

  private wire(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.manualAttempt = 0;
      this.lastRevision = null;
      this.log.info('connected to the controller');
      s.emit('version', { version: this.version });
      s.emit('probe_get');
      this.handlers.onConnected();
    });

    s.on('disconnect', (reason) => {
      // Packets queued while offline would be sent after reconnect on top of the full replay.
      s.sendBuffer = [];
      this.handlers.onDisconnected();
      if (this.closed) return;
      this.log.warn({ reason }, 'disconnected from the controller');
      if (!s.active) this.reconnectLater(`server closed the connection (${reason})`);
    });

    s.on('connect_error', (err: Error & { data?: unknown }) => {
      if (this.closed) return;
      const refusal = refusalOf(err.data);
      if (refusal?.code === 'gone') {
        this.fatal(new AgentExit(ExitCode.Gone, `the controller refused the connection: agent deleted (${refusal.error}); not retrying.`));
        return;
      }
      if (refusal?.code === 'unauthorized') {
        this.fatal(
          new AgentExit(
            ExitCode.AuthFailed,
            `the controller refused the PSK (${refusal.error}). Remove the config file's "psk" and enroll again with a new --pin.`,
          ),
        );
        return;
      }
      const reason = refusal ? `refused: ${refusal.code} (${refusal.error})` : `unreachable (${err.message})`;
      if (s.active) {
        this.log.warn({ reason }, 'cannot connect to the controller; socket.io retries with backoff');
      } else {
        this.reconnectLater(reason);
      }
    });

    s.on('probe_get', (set) => {
      const parsed = ProbeConfigSet.safeParse(set);
      if (!parsed.success) {
        this.log.error({ issues: parsed.error.issues.slice(0, 5) }, 'invalid probe configuration from the controller; ignored');
        return;
      }
      if (parsed.data.revision === this.lastRevision) {
        this.log.debug({ revision: parsed.data.revision }, 'probe configuration unchanged');
        return;
      }
      this.lastRevision = parsed.data.revision;
      this.log.info({ revision: parsed.data.revision, probes: parsed.data.probes.length }, 'probe configuration received');
      this.handlers.onProbeSet(parsed.data);
    });

    s.on('probe_post_ok', (ack) => {
      const parsed = ProbePostOk.safeParse(ack);
      if (!parsed.success) {
        this.log.error('invalid probe_post_ok from the controller; ignored');
        return;
      }
      this.handlers.onAck(parsed.data);
    });

    s.on('run_start', (msg) => {
      const parsed = RunStart.safeParse(msg);
      if (!parsed.success) {
        this.log.error({ issues: parsed.error.issues.slice(0, 5) }, 'invalid run_start from the controller; ignored');
        return;
      }
      this.handlers.onRunStart?.(parsed.data);
    });

    s.on('run_cancel', (msg) => {
      const parsed = RunCancel.safeParse(msg);
      if (parsed.success) this.handlers.onRunCancel?.(parsed.data.run_id);
    });

    s.on('version', (info) => this.log.info({ controller_version: info?.controller_version }, 'controller version'));
    s.on('error_message', (e) => {
      if (e?.code === BUSY_CODE && e.event === AgentEvents.ProbePost) {
        const retryAfterMs = Math.min(Math.max(Number(e.retry_after_ms) || DEFAULT_BUSY_RETRY_MS, 100), MAX_BUSY_RETRY_MS);
        this.log.info({ retry_in_ms: retryAfterMs }, 'controller busy: results stay in the spool and are sent again');
        this.handlers.onBusy(retryAfterMs, typeof e.result_id === 'string' ? e.result_id : undefined);
        return;
      }
      this.log.warn({ code: e?.code, error: e?.error, event: e?.event }, 'controller reported an error');
    });
  }

  private reconnectLater(reason: string): void {
    if (this.closed || this.manualTimer) return;
    const delay = backoffDelay(this.manualAttempt++);
    this.log.warn({ reason, retry_in_ms: delay }, 'will reconnect to the controller');
    this.manualTimer = setTimeout(() => {
      this.manualTimer = null;
      if (!this.closed) this.socket.connect();
    }, delay);
  }

  private fatal(exit: AgentExit): void {
    this.close();
    this.handlers.onFatal(exit);
  }
}
