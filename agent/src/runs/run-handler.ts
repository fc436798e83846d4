import type { ProbeResult, RunStart, RunStatusReport } from '@netwatcher/shared';
import type { Logger } from '../log';
import type { ProbeExecutor } from '../probes/probe-executor';

export interface RunHandlerOptions {
  /** The scheduler's executor: a run measures exactly as a scheduled probe does. */
  executor: ProbeExecutor;
  /** Where results go (the spool), as for scheduled runs: a run's results are never lost either. */
  onResults: (results: ProbeResult[]) => Promise<void>;
  /** Sends `run_status` to the controller (dropped while disconnected: the controller times the run out). */
  report: (status: RunStatusReport) => void;
  log: Logger;
  /** Runs measured at once; beyond it a run is refused as failed (the controller bounds them too). */
  maxConcurrent?: number;
}

export const DEFAULT_MAX_CONCURRENT_RUNS = 4;

/**
 * On-demand runs (`run_start`): the probe runs at once, beside the schedule, through the same
 * executor; its results carry `run_id` and go to the spool. `run_cancel` aborts it (its
 * processes are killed and nothing is reported as measured).
 */
export class RunHandler {
  private readonly running = new Map<number, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;
  private readonly max: number;

  constructor(private readonly options: RunHandlerOptions) {
    this.max = options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_RUNS;
  }

  get active(): number {
    return this.running.size;
  }

  start(msg: RunStart): void {
    const { run_id: runId, probe } = msg;
    const { log, report, executor } = this.options;
    // A repeated run_start (a reconnect while it runs) is the same run, not a second one.
    if (this.running.has(runId)) return;
    if (this.stopping) {
      report({ run_id: runId, status: 'failed', error: 'the agent is shutting down' });
      return;
    }
    if (!executor.supports(probe.type)) {
      report({ run_id: runId, status: 'failed', error: `this agent version cannot run ${probe.type} probes` });
      return;
    }
    if (this.running.size >= this.max) {
      report({ run_id: runId, status: 'failed', error: `the agent is already running ${this.running.size} runs` });
      return;
    }
    const abort = new AbortController();
    const watchdog = setTimeout(() => abort.abort(), executor.budgetMs(probe));
    report({ run_id: runId, status: 'running' });
    log.info({ run_id: runId, probe_id: probe.id, type: probe.type }, 'run started');
    const done = (async () => {
      try {
        const measured = await executor.execute(probe, abort.signal);
        if (abort.signal.aborted) {
          report({ run_id: runId, status: 'failed', error: 'aborted (cancelled or over its time budget)' });
          return;
        }
        const results = measured.map((r) => ({ ...r, run_id: runId }));
        if (results.length > 0) await this.options.onResults(results);
        report({ run_id: runId, status: 'completed', result_ids: results.map((r) => r.id) });
        log.info({ run_id: runId, results: results.length }, 'run completed');
      } catch (e) {
        log.error({ run_id: runId, err: e }, 'run failed');
        report({ run_id: runId, status: 'failed', error: e instanceof Error ? e.message.slice(0, 500) : 'run failed' });
      } finally {
        clearTimeout(watchdog);
        this.running.delete(runId);
      }
    })();
    this.running.set(runId, { abort, done });
  }

  cancel(runId: number): void {
    const run = this.running.get(runId);
    if (!run) return;
    this.options.log.info({ run_id: runId }, 'run cancelled by the controller');
    run.abort.abort();
  }

  /** No new runs; running ones get `graceMs` to finish, then are aborted. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const all = Promise.allSettled([...this.running.values()].map((r) => r.done));
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs)))]);
    clearTimeout(timer);
    if (!timedOut) return;
    for (const r of this.running.values()) r.abort.abort();
    await all;
  }
}
