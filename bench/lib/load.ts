import { ChildProcess, spawn } from 'node:child_process';
import type { FleetAgent } from './fleet';
import { LOAD_COUNTERS, type LoadConfig, type LoadCounters, type ParentMessage, type WorkerConnected, type WorkerDone, type WorkerMessage } from './load-protocol';
import { workerPath } from './paths';
import { sleep } from './concurrency';
import { round } from './stats';

export interface ConnectFigures {
  connected: number;
  failed: number;
  seconds: number;
  errors: string[];
}

export interface LoadFigures extends LoadCounters {
  /** Acked (= durably stored) results per second between warm-up and the end of production. */
  stored_per_s: number;
  offered_per_s: number;
  latencies: number[];
  errors: string[];
  tracked: Record<string, string[]>;
}

class WorkerHandle {
  latest = { produced: 0, acked: 0 };
  private waiters = new Map<WorkerMessage['type'], (m: WorkerMessage) => void>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'tick') this.latest = { produced: m.produced, acked: m.acked };
      const waiter = this.waiters.get(m.type);
      if (waiter) {
        this.waiters.delete(m.type);
        waiter(m);
      }
    });
  }

  send(m: ParentMessage): void {
    this.child.send(m);
  }

  next<T extends WorkerMessage>(type: T['type'], timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`load generator sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code}) while waiting for '${type}'`));
      this.child.once('exit', onExit);
      this.waiters.set(type, (m) => {
        clearTimeout(timer);
        this.child.off('exit', onExit);
        resolve(m as T);
      });
    });
  }
}

/**
 * Several load-generator processes (one Node process holds ~1,250 sockets comfortably and the
 * controller must not share an event loop with its load), driven in lock step: connect all,
 * start together, stop together, merge the figures.
 */
export class LoadGenerators {
  private timeline: { t: number; acked: number; produced: number }[] = [];
  private sampler?: NodeJS.Timeout;
  private startedAt = 0;

  private constructor(private readonly workers: WorkerHandle[]) {}

  static spawn(count: number): LoadGenerators {
    const workers = Array.from({ length: count }, () => {
      const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" && exec '${process.execPath}' '${workerPath('agent-load')}'`], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      return new WorkerHandle(child);
    });
    return new LoadGenerators(workers);
  }

  async connect(url: string, workspaceId: number, agents: FleetAgent[], config: LoadConfig): Promise<ConnectFigures> {
    const started = performance.now();
    const share = Math.ceil(agents.length / this.workers.length);
    const outcomes = await Promise.all(
      this.workers.map((w, i) => {
        w.send({ type: 'init', url, workspaceId, agents: agents.slice(i * share, (i + 1) * share), config });
        return w.next<WorkerConnected>('connected', 300_000);
      }),
    );
    return {
      connected: outcomes.reduce((n, o) => n + o.connected, 0),
      failed: outcomes.reduce((n, o) => n + o.failed, 0),
      seconds: round((performance.now() - started) / 1000, 1),
      errors: outcomes.flatMap((o) => o.errors).slice(0, 10),
    };
  }

  start(ratePerAgent?: number): void {
    this.startedAt = performance.now();
    this.timeline = [];
    for (const w of this.workers) {
      w.latest = { produced: 0, acked: 0 };
      w.send({ type: 'start', ratePerAgent });
    }
    this.sampler = setInterval(() => {
      this.timeline.push({
        t: (performance.now() - this.startedAt) / 1000,
        acked: this.workers.reduce((n, w) => n + w.latest.acked, 0),
        produced: this.workers.reduce((n, w) => n + w.latest.produced, 0),
      });
    }, 1000);
  }

  /** Runs for `seconds`, then stops production and collects everything (acks drained). */
  async runFor(seconds: number, warmupSeconds: number): Promise<LoadFigures> {
    await sleep(seconds * 1000);
    clearInterval(this.sampler);
    const done = await Promise.all(
      this.workers.map((w) => {
        w.send({ type: 'stop' });
        return w.next<WorkerDone>('done', 120_000);
      }),
    );
    const window = this.timeline.filter((s) => s.t >= warmupSeconds);
    const first = window[0];
    const last = window[window.length - 1];
    const span = first && last && last.t > first.t ? last.t - first.t : NaN;
    const totals = Object.fromEntries(LOAD_COUNTERS.map((key) => [key, done.reduce((n, d) => n + d[key], 0)])) as LoadCounters;
    return {
      ...totals,
      stored_per_s: round((last.acked - first.acked) / span, 0),
      offered_per_s: round((last.produced - first.produced) / span, 0),
      latencies: done.flatMap((d) => d.latencies),
      errors: done.flatMap((d) => d.errors).slice(0, 10),
      tracked: Object.assign({}, ...done.map((d) => d.tracked)) as Record<string, string[]>,
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.child.exitCode !== null) return resolve();
            const killer = setTimeout(() => w.child.kill('SIGKILL'), 10_000);
            w.child.once('exit', () => {
              clearTimeout(killer);
              resolve();
            });
            w.send({ type: 'close' });
          }),
      ),
    );
  }
}
