/**
 * Load generator: a share of the simulated agents, each a real Socket.IO connection to /agent
 * with PSK headers, posting PING-shaped results at a fixed rate and timing the real acks.
 * Driven by its parent over IPC (see bench/lib/load.ts for the protocol).
 */
import { AGENT_NAMESPACE, BUSY_CODE, AgentClientToServerEvents, AgentServerToClientEvents, ProbePostOk, SOCKET_PATH } from '@netwatcher/shared';
import { io, Socket } from 'socket.io-client';
import type { LoadConfig, LoadInit, ParentMessage, WorkerDone, WorkerMessage } from '../lib/load-protocol';
import { pingResult } from '../lib/ping-result';

type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

interface InFlight {
  sentAt: number;
  count: number;
  /** Kept until acked: a post refused as `busy` is sent again, as the real agent does from its spool. */
  results: Record<string, unknown>[];
}

interface SimAgent {
  id: number;
  probeId: number;
  socket: AgentSocket;
  connected: boolean;
  nextDue: number;
  /** Results owed at the configured rate but not yet posted (held while too many posts are unacked). */
  pending: number;
  inflight: Map<string, InFlight>;
  /** Posts the controller refused as `busy`, by key, to send again when the hold ends. */
  refused: Set<string>;
  /** No new posts before this (performance.now()): the controller asked us to wait. */
  holdUntil: number;
  retryTimer?: NodeJS.Timeout;
  track?: string[];
}

const send = (m: WorkerMessage): void => {
  process.send?.(m);
};

class LoadWorker {
  private agents: SimAgent[] = [];
  private config!: LoadConfig;
  private running = false;
  private timer?: NodeJS.Timeout;
  private reporter?: NodeJS.Timeout;
  private produced = 0;
  private acked = 0;
  private rejected = 0;
  private unmatchedAcks = 0;
  private errorMessages = 0;
  private busyRefusals = 0;
  private resentPosts = 0;
  private disconnects = 0;
  private readonly firstErrors: string[] = [];
  private readonly latencies: number[] = [];
  private latencySeen = 0;

  async init(m: LoadInit): Promise<void> {
    this.config = m.config;
    const started = performance.now();
    const track = new Set(m.config.trackProbeIds);
    this.agents = m.agents.map((a) => ({
      id: a.id,
      probeId: a.probeId,
      socket: io(`${m.url}${AGENT_NAMESPACE}`, {
        path: SOCKET_PATH,
        transports: ['websocket'],
        forceNew: true,
        autoConnect: false,
        reconnectionDelay: 500,
        extraHeaders: { 'X-Workspace-ID': String(m.workspaceId), 'X-Agent-ID': String(a.id), 'X-Agent-PSK': a.psk },
      }),
      connected: false,
      nextDue: 0,
      pending: 0,
      inflight: new Map(),
      refused: new Set(),
      holdUntil: 0,
      track: track.has(a.probeId) ? [] : undefined,
    }));
    let failed = 0;
    // Handshakes in bounded waves: each costs the controller a PSK check and a presence write.
    for (let i = 0; i < this.agents.length; i += m.config.connectConcurrency) {
      const wave = this.agents.slice(i, i + m.config.connectConcurrency);
      const outcomes = await Promise.all(wave.map((a) => this.connect(a)));
      failed += outcomes.filter((ok) => !ok).length;
    }
    send({
      type: 'connected',
      connected: this.agents.filter((a) => a.connected).length,
      failed,
      seconds: (performance.now() - started) / 1000,
      errors: this.firstErrors.slice(0, 5),
    });
  }

  private connect(a: SimAgent): Promise<boolean> {
    return new Promise((resolve) => {
      const s = a.socket;
      s.once('connect', () => {
        a.connected = true;
        resolve(true);
      });
      s.once('connect_error', (err: Error) => {
        this.note(`connect_error: ${err.message}`);
        s.disconnect();
        resolve(false);
      });
      s.on('disconnect', (reason) => {
        if (this.running) {
          this.disconnects++;
          this.note(`disconnect: ${reason}`);
        }
      });
      s.on('connect', () => {
        a.connected = true;
        // As the real agent does after a reconnect: whatever was unacked is sent again.
        if (this.running) for (const key of a.inflight.keys()) this.resend(a, key);
      });
      s.on('probe_post_ok', (ack: ProbePostOk) => this.onAck(a, ack));
      s.on('error_message', (err) => {
        if (err.code === BUSY_CODE) {
          this.busyRefusals++;
          this.resendLater(a, err.retry_after_ms ?? 1000, err.result_id);
          return;
        }
        this.errorMessages++;
        this.note(`error_message: ${err.code} ${err.error}`);
      });
      s.connect();
    });
  }

  /** Like the agent's ResultSender.onBusy: the refused post (all, if unnamed) goes again after the delay. */
  private resendLater(a: SimAgent, delayMs: number, key?: string): void {
    if (key !== undefined && a.inflight.has(key)) a.refused.add(key);
    else for (const k of a.inflight.keys()) a.refused.add(k);
    a.holdUntil = Math.max(a.holdUntil, performance.now() + delayMs);
    if (a.retryTimer) return;
    a.retryTimer = setTimeout(() => {
      a.retryTimer = undefined;
      for (const k of a.refused) this.resend(a, k);
      a.refused.clear();
    }, delayMs);
  }

  private resend(a: SimAgent, key: string): void {
    const post = a.inflight.get(key);
    if (!post) return;
    this.resentPosts++;
    a.socket.emit('probe_post', (post.results.length === 1 ? post.results[0] : post.results) as never);
  }

  private note(message: string): void {
    if (this.firstErrors.length < 20) this.firstErrors.push(message);
  }

  private onAck(a: SimAgent, ack: ProbePostOk): void {
    // A post is known by its first result's id, which is in `ids` or, if refused, in `rejected`.
    const key = [ack.ids[0], ack.rejected[0]?.id].find((k): k is string => typeof k === 'string' && a.inflight.has(k));
    const post = key === undefined ? undefined : a.inflight.get(key);
    if (!post || key === undefined) {
      // After a busy re-send a post may be acked twice; only an ack for nothing ever sent is odd.
      if (this.resentPosts === 0) this.unmatchedAcks++;
      return;
    }
    a.inflight.delete(key);
    this.acked += ack.ids.length;
    this.rejected += ack.rejected.length;
    if (ack.rejected.length > 0) this.note(`rejected: ${ack.rejected[0].error}`);
    this.recordLatency(performance.now() - post.sentAt);
  }

  /** Keeps at most `maxLatencySamples` (reservoir sampling) so memory stays bounded on long runs. */
  private recordLatency(ms: number): void {
    this.latencySeen++;
    if (this.latencies.length < this.config.maxLatencySamples) {
      this.latencies.push(ms);
      return;
    }
    const j = Math.floor(Math.random() * this.latencySeen);
    if (j < this.latencies.length) this.latencies[j] = ms;
  }

  /** Each phase starts from zero: counters, latencies and tracked ids belong to one phase. */
  start(ratePerAgent?: number): void {
    if (ratePerAgent !== undefined) this.config = { ...this.config, ratePerAgent };
    this.produced = this.acked = this.rejected = this.unmatchedAcks = this.errorMessages = this.disconnects = this.latencySeen = 0;
    this.busyRefusals = this.resentPosts = 0;
    this.latencies.length = 0;
    this.firstErrors.length = 0;
    for (const a of this.agents) {
      a.pending = 0;
      if (a.track) a.track = [];
    }
    this.running = true;
    const now = performance.now();
    const interval = this.config.postIntervalMs;
    for (const a of this.agents) a.nextDue = now + Math.random() * interval;
    this.timer = setInterval(() => this.tick(), Math.min(20, interval));
    this.reporter = setInterval(() => send({ type: 'tick', produced: this.produced, acked: this.acked }), 1000);
  }

  private tick(): void {
    const now = performance.now();
    const { postIntervalMs, ratePerAgent, maxInflight } = this.config;
    const perPost = (ratePerAgent * postIntervalMs) / 1000;
    for (const a of this.agents) {
      if (!a.connected || now < a.nextDue) continue;
      a.nextDue += postIntervalMs;
      if (a.nextDue < now) a.nextDue = now + postIntervalMs;
      a.pending += perPost;
      if (a.inflight.size >= maxInflight || now < a.holdUntil) continue;
      const n = Math.min(Math.floor(a.pending), 500);
      if (n < 1) continue;
      a.pending -= n;
      this.post(a, n);
    }
  }

  private post(a: SimAgent, n: number): void {
    // created_at is the moment of posting, so a panel can time post → probe_data across processes.
    const createdAt = new Date(performance.timeOrigin + performance.now()).toISOString();
    const results = Array.from({ length: n }, () => pingResult(a.probeId, createdAt));
    a.inflight.set(results[0].id as string, { sentAt: performance.now(), count: n, results });
    if (a.track) for (const r of results) a.track.push(r.id as string);
    this.produced += n;
    a.socket.emit('probe_post', (n === 1 ? results[0] : results) as never);
  }

  /** Stops producing, then waits for every outstanding ack (or the drain timeout). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const deadline = performance.now() + this.config.drainTimeoutMs;
    while (this.agents.some((a) => a.inflight.size > 0) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.running = false;
    clearInterval(this.reporter);
    const tracked: Record<string, string[]> = {};
    for (const a of this.agents) if (a.track) tracked[a.probeId] = a.track;
    const done: WorkerDone = {
      type: 'done',
      produced: this.produced,
      acked: this.acked,
      rejected: this.rejected,
      unacked_posts: this.agents.reduce((n, a) => n + a.inflight.size, 0),
      unacked_results: this.agents.reduce((n, a) => n + [...a.inflight.values()].reduce((m, p) => m + p.count, 0), 0),
      unmatched_acks: this.unmatchedAcks,
      error_messages: this.errorMessages,
      busy_refusals: this.busyRefusals,
      resent_posts: this.resentPosts,
      disconnects: this.disconnects,
      still_connected: this.agents.filter((a) => a.socket.connected).length,
      latencies: this.latencies,
      latency_samples_seen: this.latencySeen,
      errors: this.firstErrors,
      tracked,
    };
    send(done);
  }

  close(): void {
    for (const a of this.agents) a.socket.disconnect();
    setTimeout(() => process.exit(0), 100);
  }
}

const worker = new LoadWorker();
process.on('message', (m: ParentMessage) => {
  if (m.type === 'init') void worker.init(m);
  else if (m.type === 'start') worker.start(m.ratePerAgent);
  else if (m.type === 'stop') void worker.stop();
  else if (m.type === 'close') worker.close();
});
process.on('disconnect', () => process.exit(0));
