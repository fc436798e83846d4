import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { ProbeResult, RunProbeConfig, RunStatusReport } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import type { ProbeExecutor } from '../probes/probe-executor';
import { RunHandler } from './run-handler';

function probe(over: Partial<RunProbeConfig> = {}): RunProbeConfig {
  return {
    id: 0, type: 'PING', enabled: true, interval_sec: 60, timeout_sec: 1, count: 1, duration_sec: 0, server: false,
    targets: ['127.0.0.1'], agent_targets: [], updated_at: '2026-01-01T00:00:00.000Z', ...over,
  };
}

/** Each run waits until released (or aborted) and then reports one PING-typed result. */
function heldExecutor() {
  const releases: Array<() => void> = [];
  const executor: ProbeExecutor = {
    supports: (t) => t !== 'TRAFFICSIM',
    budgetMs: () => 60_000,
    async execute(p, signal) {
      await new Promise<void>((resolve) => {
        releases.push(resolve);
        signal.addEventListener('abort', () => resolve());
      });
      if (signal.aborted) return [];
      return [{ id: randomUUID(), probe_id: p.id, type: 'PING', created_at: new Date().toISOString(), target: '127.0.0.1', target_agent: 0, triggered: false, triggered_reason: '', payload: {} } as unknown as ProbeResult];
    },
  };
  return { executor, releaseAll: () => releases.splice(0).forEach((r) => r()) };
}

describe('RunHandler', () => {
  const log = pino({ level: 'silent' });

  function setup(max?: number) {
    const { executor, releaseAll } = heldExecutor();
    const reports: RunStatusReport[] = [];
    const spooled: ProbeResult[] = [];
    const handler = new RunHandler({ executor, log, report: (s) => reports.push(s), onResults: async (r) => void spooled.push(...r), maxConcurrent: max });
    return { handler, reports, spooled, releaseAll };
  }

  it('runs at once, tags results with the run id, spools them, and reports running then completed with their ids', async () => {
    const { handler, reports, spooled, releaseAll } = setup();
    handler.start({ run_id: 7, probe: probe() });
    expect(reports).toEqual([{ run_id: 7, status: 'running' }]);
    releaseAll();
    await waitUntil('completed', () => reports.find((r) => r.status === 'completed'));
    expect(spooled).toHaveLength(1);
    expect(spooled[0]).toMatchObject({ run_id: 7, probe_id: 0, type: 'PING' });
    expect(reports[1]).toEqual({ run_id: 7, status: 'completed', result_ids: [spooled[0].id] });
    expect(handler.active).toBe(0);
  });

  it('ignores a repeated run_start of a run it is running', async () => {
    const { handler, reports, releaseAll } = setup();
    handler.start({ run_id: 1, probe: probe() });
    handler.start({ run_id: 1, probe: probe() });
    expect(handler.active).toBe(1);
    expect(reports).toHaveLength(1);
    releaseAll();
    await waitUntil('done', () => handler.active === 0);
  });

  it('aborts a cancelled run: nothing spooled, reported failed', async () => {
    const { handler, reports, spooled } = setup();
    handler.start({ run_id: 3, probe: probe() });
    handler.cancel(3);
    await waitUntil('failed', () => reports.find((r) => r.status === 'failed'));
    expect(spooled).toEqual([]);
    handler.cancel(99); // unknown: nothing happens
  });

  it('refuses a type it has no runner for, and runs beyond its bound, as failed', async () => {
    const { handler, reports, releaseAll } = setup(1);
    handler.start({ run_id: 1, probe: probe({ type: 'TRAFFICSIM' }) });
    expect(reports.pop()).toEqual({ run_id: 1, status: 'failed', error: 'this agent version cannot run TRAFFICSIM probes' });
    handler.start({ run_id: 2, probe: probe() });
    handler.start({ run_id: 3, probe: probe() });
    expect(reports).toEqual([{ run_id: 2, status: 'running' }, { run_id: 3, status: 'failed', error: 'the agent is already running 1 runs' }]);
    releaseAll();
    await handler.stop(1000);
    handler.start({ run_id: 4, probe: probe() });
    expect(reports.pop()).toEqual({ run_id: 4, status: 'failed', error: 'the agent is shutting down' });
  });
});
