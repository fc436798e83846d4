import { PANEL_NAMESPACE, PanelClientToServerEvents, PanelServerToClientEvents, ProbeDataMessage, SOCKET_PATH } from '@netwatcher/shared';
import { io, Socket } from 'socket.io-client';
import { mapLimit } from './concurrency';
import { nowMs } from './stats';

type PanelSocket = Socket<PanelServerToClientEvents, PanelClientToServerEvents>;

/**
 * Browser-panel stand-ins: real Socket.IO connections to /panel with a JWT, each subscribed to a
 * workspace (probe_id 0) or one probe. Every probe_data is timed against the result's
 * created_at, which the load generator stamps at the moment it posts (same clock, same host).
 */
export class PanelClients {
  private sockets: PanelSocket[] = [];
  private recording = false;
  readonly latencies: number[] = [];
  received = 0;
  duplicates = 0;
  private readonly seen: Set<string>[] = [];
  private readonly maxSamples = 500_000;

  async connect(url: string, token: string, subscriptions: { workspace_id: number; probe_id: number }[]): Promise<{ connected: number; subscribed: number }> {
    let subscribed = 0;
    this.sockets = await mapLimit(subscriptions, 20, async (sub, i) => {
      const socket: PanelSocket = io(`${url}${PANEL_NAMESPACE}`, {
        path: SOCKET_PATH,
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token },
      });
      this.seen[i] = new Set();
      socket.on('probe_data', (m: ProbeDataMessage) => this.onData(i, m));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (e) => reject(new Error(`panel connect refused: ${e.message}`)));
      });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        socket.once('subscribed', () => {
          subscribed++;
          clearTimeout(timer);
          resolve();
        });
        socket.emit('subscribe', sub);
      });
      return socket;
    });
    return { connected: this.sockets.filter((s) => s.connected).length, subscribed };
  }

  private onData(panel: number, m: ProbeDataMessage): void {
    if (!this.recording) return;
    this.received++;
    const seen = this.seen[panel];
    if (seen.has(m.data.id)) this.duplicates++;
    else seen.add(m.data.id);
    if (this.latencies.length < this.maxSamples) this.latencies.push(nowMs() - Date.parse(m.data.created_at));
  }

  record(on: boolean): void {
    this.recording = on;
  }

  /** Starts a new measurement phase: counts, latencies and duplicate tracking from zero. */
  reset(): void {
    this.latencies.length = 0;
    this.received = 0;
    this.duplicates = 0;
    for (const seen of this.seen) seen.clear();
  }

  close(): void {
    for (const s of this.sockets) s.disconnect();
  }
}
