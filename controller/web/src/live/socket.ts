import { io, type Socket } from 'socket.io-client';
import { ref, watch } from 'vue';
import type {
  AlertChangedMessage,
  NetworkMapUpdateMessage,
  PanelClientToServerEvents,
  PanelServerToClientEvents,
  ProbeDataMessage,
  RunUpdateMessage,
  SpeedtestUpdateMessage,
} from '@netwatcher/shared';
import { session } from '../session';

type PanelSocket = Socket<PanelServerToClientEvents, PanelClientToServerEvents>;
type Listener = (msg: ProbeDataMessage) => void;
type AlertListener = (msg: AlertChangedMessage) => void;

/** Socket.IO path and namespace of the panel feed (see the shared protocol package). */
const SOCKET_PATH = '/ws';
const PANEL_NAMESPACE = '/panel';

export type LiveState = 'connecting' | 'live' | 'offline';
export const liveState = ref<LiveState>('offline');

let socket: PanelSocket | null = null;
let workspaceId = 0;
/** Workspaces whose alerts this tab follows: all of the user's (alerts only, no probe data). */
let alertWorkspaces: number[] = [];
const listeners = new Set<Listener>();
const alertListeners = new Set<AlertListener>();
const runListeners = new Set<(msg: RunUpdateMessage) => void>();
const speedtestListeners = new Set<(msg: SpeedtestUpdateMessage) => void>();
const mapListeners = new Set<(msg: NetworkMapUpdateMessage) => void>();
/** Called on every (re)connect: what happened while the socket was down was not sent. */
const connectListeners = new Set<() => void>();

/**
 * One `/panel` socket per tab, subscribed to the workspace on screen (`probe_id: 0`: every probe,
 * so agent pages and charts share it). Socket.IO reconnects by itself after a controller restart;
 * the subscription is renewed on every (re)connect because the server forgets it.
 */
function connect(token: string): void {
  socket = io(PANEL_NAMESPACE, { path: SOCKET_PATH, auth: { token }, transports: ['websocket'] });
  liveState.value = 'connecting';
  socket.on('connect', () => {
    liveState.value = 'live';
    if (workspaceId) socket?.emit('subscribe', { workspace_id: workspaceId, probe_id: 0 });
    for (const id of alertWorkspaces) socket?.emit('subscribe', { workspace_id: id, probe_id: 0, alerts_only: true });
    for (const l of connectListeners) l();
  });
  socket.on('disconnect', () => {
    liveState.value = 'connecting';
  });
  socket.on('connect_error', () => {
    liveState.value = 'offline';
  });
  socket.on('probe_data', (msg) => {
    if (msg.workspace_id !== workspaceId) return;
    for (const l of listeners) l(msg);
  });
  socket.on('alert', (msg) => {
    for (const l of alertListeners) l(msg);
  });
  // Runs and the speed-test queue of the workspace on screen (other workspaces' come too when
  // their alerts are followed; they are not this page's business).
  socket.on('run_update', (msg) => {
    if (msg.workspace_id !== workspaceId) return;
    for (const l of runListeners) l(msg);
  });
  socket.on('speedtest_update', (msg) => {
    if (msg.workspace_id !== workspaceId) return;
    for (const l of speedtestListeners) l(msg);
  });
  socket.on('network_map_update', (msg) => {
    if (msg.workspace_id !== workspaceId) return;
    for (const l of mapListeners) l(msg);
  });
}

function disconnect(): void {
  socket?.disconnect();
  socket = null;
  // The next session may be another user's: it subscribes to what its own pages ask for.
  workspaceId = 0;
  alertWorkspaces = [];
  liveState.value = 'offline';
}

/** Follows the session: a socket while signed in, none after. */
export function startLive(): void {
  watch(
    () => session.token,
    (token) => {
      disconnect();
      if (token) connect(token);
    },
    { immediate: true },
  );
}

/**
 * Receive the workspace's live results; call when the workspace on screen changes. Pages outside
 * a workspace (alerts, lookups) pass 0 and keep the last one, so its alerts stay live there.
 */
export function watchWorkspace(id: number): void {
  if (id === workspaceId || id === 0) return;
  if (workspaceId && socket?.connected) socket.emit('unsubscribe', { workspace_id: workspaceId, probe_id: 0 });
  workspaceId = id;
  if (id && socket?.connected) socket.emit('subscribe', { workspace_id: id, probe_id: 0 });
}

/** Returns the function that stops listening (call it when the view unmounts). */
export function onProbeData(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Follow the alerts of these workspaces (the user's list); call whenever it changes. */
export function watchAlertsOf(ids: readonly number[]): void {
  const added = ids.filter((id) => !alertWorkspaces.includes(id));
  alertWorkspaces = [...ids];
  if (!socket?.connected) return;
  // Workspaces that left the list need no unsubscribe: the server ends those subscriptions itself.
  for (const id of added) socket.emit('subscribe', { workspace_id: id, probe_id: 0, alerts_only: true });
}

/** Alert changes of the user's workspaces, as they happen. Returns the function that stops listening. */
export function onAlert(listener: AlertListener): () => void {
  alertListeners.add(listener);
  return () => alertListeners.delete(listener);
}

/** Called after every (re)connect, when a view should re-read what it may have missed. */
export function onLiveConnect(listener: () => void): () => void {
  connectListeners.add(listener);
  return () => connectListeners.delete(listener);
}

/** `run_update` of the workspace on screen (on-demand runs). Returns the function that stops listening. */
export function onRunUpdate(listener: (msg: RunUpdateMessage) => void): () => void {
  runListeners.add(listener);
  return () => runListeners.delete(listener);
}

/** `speedtest_update` of the workspace on screen. Returns the function that stops listening. */
export function onSpeedtestUpdate(listener: (msg: SpeedtestUpdateMessage) => void): () => void {
  speedtestListeners.add(listener);
  return () => speedtestListeners.delete(listener);
}

/** The workspace's network map changed (`network_map_update`). Returns the function that stops listening. */
export function onNetworkMapUpdate(listener: (msg: NetworkMapUpdateMessage) => void): () => void {
  mapListeners.add(listener);
  return () => mapListeners.delete(listener);
}
