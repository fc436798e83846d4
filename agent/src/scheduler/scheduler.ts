import { dispatchedByController, type ProbeConfig, type ProbeResult } from '@netwatcher/shared';
import type { Logger } from '../log';
import type { ProbeExecutor } from '../probes/probe-executor';
import { startOffsetMs } from './start-offset';

export interface SchedulerOptions {
  executor: ProbeExecutor;
  /** Where finished runs' results go (the spool). Awaited, so shutdown waits for it too. */
  onResults: (results: ProbeResult[]) => Promise<void>;
  log: Logger;
  /** Cap on the spread of first starts. */
  maxStartSpreadMs?: number;
  /** Length of one configured "second" for intervals and spread. Tests shrink it; never set in production. */
  msPerSecond?: number;
}

export interface ProbeRunStats {
  runs: number;
  /** Ticks skipped because the previous run of the same probe was still going. */
  skipped: number;
  failures: number;
}

export interface ApplySummary {
  started: number[];
  restarted: number[];
  stopped: number[];
  unchanged: number[];
}

interface Entry {
  probe: ProbeConfig;
  /** Whole config as JSON: a change of any field (including a peer's resolved address) restarts it. */
  key: string;
  timer: NodeJS.Timeout | null;
  nextAt: number;
  running: Promise<void> | null;
  abort: AbortController | null;
  stats: ProbeRunStats;
}

const DEFAULT_SPREAD_CAP_MS = 15_000;

/**
 * Runs each enabled probe every `interval_sec`, on a fixed grid (no drift), never overlapping a
 * probe with itself. `apply()` reconciles with a new config set: new probes start, removed ones
 * stop, changed ones restart, unchanged ones keep their timers and phase.
 */
export class Scheduler {
  private readonly entries = new Map<number, Entry>();
  private readonly warnedUnsupported = new Set<number>();
  private stopping = false;
  private readonly spreadCapMs: number;
  private readonly unit: number;

  constructor(private readonly options: SchedulerOptions) {
    this.unit = options.msPerSecond ?? 1000;
    this.spreadCapMs = options.maxStartSpreadMs ?? DEFAULT_SPREAD_CAP_MS;
  }

  apply(probes: readonly ProbeConfig[]): ApplySummary {
    const summary: ApplySummary = { started: [], restarted: [], stopped: [], unchanged: [] };
    if (this.stopping) return summary;
    const wanted = new Map<number, ProbeConfig>();
    for (const p of probes) {
      if (!p.enabled) continue;
      // The controller starts each run of these (the speed-test queue sends run_start).
      if (dispatchedByController(p.type)) continue;
      if (!this.options.executor.supports(p.type)) {
        if (!this.warnedUnsupported.has(p.id)) {
          this.warnedUnsupported.add(p.id);
          this.options.log.warn({ probe_id: p.id, type: p.type }, 'probe type is not supported by this agent version; skipped');
        }
        continue;
      }
      wanted.set(p.id, p);
    }

    for (const [id, entry] of this.entries) {
      if (!wanted.has(id)) {
        this.cancel(entry);
        this.entries.delete(id);
        summary.stopped.push(id);
      }
    }
    for (const [id, probe] of wanted) {
      const key = JSON.stringify(probe);
      const existing = this.entries.get(id);
      if (existing && existing.key === key) {
        summary.unchanged.push(id);
        continue;
      }
      if (existing) this.cancel(existing);
      this.entries.set(id, this.schedule(probe, key, existing));
      (existing ? summary.restarted : summary.started).push(id);
    }
    this.options.log.info(
      {
        started: summary.started.length,
        restarted: summary.restarted.length,
        stopped: summary.stopped.length,
        unchanged: summary.unchanged.length,
      },
      'probe configuration applied',
    );
    return summary;
  }

  stats(probeId: number): ProbeRunStats | undefined {
    const e = this.entries.get(probeId);
    return e ? { ...e.stats } : undefined;
  }

  /**
   * Stops scheduling, lets running probes finish (and hand over their results) for up to
   * `graceMs`, then aborts the rest, which kills their processes.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const running: Promise<void>[] = [];
    for (const e of this.entries.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      if (e.running) running.push(e.running);
    }
    if (running.length === 0) return;
    this.options.log.info({ running: running.length }, 'waiting for running probes to finish');
    const all = Promise.allSettled(running);
    if (await settlesWithin(all, graceMs)) return;
    this.options.log.warn({ grace_ms: graceMs }, 'probes still running at shutdown; aborting them');
    for (const e of this.entries.values()) e.abort?.abort();
    await settlesWithin(all, 3000);
  }

  private schedule(probe: ProbeConfig, key: string, previous: Entry | undefined): Entry {
    const intervalMs = probe.interval_sec * this.unit;
    const entry: Entry = {
      probe,
      key,
      timer: null,
      nextAt: Date.now() + startOffsetMs(probe.id, intervalMs, this.spreadCapMs),
      // A run of the old config still going blocks the first run of the new one: no overlap.
      running: previous?.running ?? null,
      abort: previous?.abort ?? null,
      stats: previous?.stats ?? { runs: 0, skipped: 0, failures: 0 },
    };
    this.arm(entry);
    return entry;
  }

  private arm(entry: Entry): void {
    entry.timer = setTimeout(() => this.tick(entry), Math.max(0, entry.nextAt - Date.now()));
  }

  private tick(entry: Entry): void {
    if (this.stopping || this.entries.get(entry.probe.id) !== entry) return;
    const intervalMs = entry.probe.interval_sec * this.unit;
    entry.nextAt += intervalMs;
    // After a long stall (suspended VM), rejoin the grid instead of firing a burst of catch-up runs.
    while (entry.nextAt <= Date.now()) entry.nextAt += intervalMs;
    this.arm(entry);

    if (entry.running) {
      entry.stats.skipped++;
      this.options.log.debug({ probe_id: entry.probe.id, skipped: entry.stats.skipped }, 'previous run still going; tick skipped');
      return;
    }
    this.run(entry);
  }

  private run(entry: Entry): void {
    const { probe } = entry;
    const abort = new AbortController();
    // Safety net only: the command runner already kills a measurement at its own timeout.
    const watchdog = setTimeout(() => abort.abort(), this.options.executor.budgetMs(probe));
    entry.abort = abort;
    entry.stats.runs++;
    const current = (async () => {
      try {
        const results = await this.options.executor.execute(probe, abort.signal);
        if (results.length > 0) await this.options.onResults(results);
      } catch (e) {
        entry.stats.failures++;
        this.options.log.error({ probe_id: probe.id, type: probe.type, err: e }, 'probe run failed');
      } finally {
        clearTimeout(watchdog);
      }
    })();
    entry.running = current;
    void current.finally(() => {
      // The entry may have been replaced by a restart that inherited this run; clear wherever it is.
      for (const e of [entry, this.entries.get(probe.id)]) {
        if (e && e.running === current) {
          e.running = null;
          e.abort = null;
        }
      }
    });
  }

  private cancel(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
  }
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const done = await Promise.race([p.then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}
