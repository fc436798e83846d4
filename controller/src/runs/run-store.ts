import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { MAX_RUN_RESULT_IDS, type RunProbeConfig, type RunStatus, type RunUpdateMessage } from '@netwatcher/shared';
import { DataSource, EntityManager } from 'typeorm';
import { writeReturning } from '../database/sql-rows';
import { DomainEventBus } from '../events/event-bus';
import { statusesFor, targetOf, type RunEvent } from './run-state';
import type { QueueSource } from './speedtest-queue.entity';

/** A `probe_runs` row as raw SQL returns it. */
export interface RunRow {
  id: number;
  workspace_id: number;
  agent_id: number;
  probe_id: number | null;
  type: string;
  config: RunProbeConfig;
  status: RunStatus;
  error: string | null;
  result_ids: string[];
  origin: QueueSource;
  created_by: number | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  deadline_at: Date | null;
}

/** A `speedtest_queue` row as raw SQL returns it. */
export interface QueueRow {
  id: number;
  run_id: number;
  workspace_id: number;
  agent_id: number;
  probe_id: number | null;
  source: QueueSource;
  status: RunStatus;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface NewRun {
  workspaceId: number;
  agentId: number;
  probeId: number | null;
  config: RunProbeConfig;
  origin: QueueSource;
  createdBy: number | null;
  /** Queued (a speed test: the queue starts it) or running at once (sent with the commit). */
  queued: boolean;
  /** For a run that starts at once: how long it may take before it counts as lost. */
  budgetMs: number;
}

/** First key of the advisory locks runs/ takes (the second: the workspace, or 0 for the queue). */
export const RUNS_LOCK_CLASS = 0x52554e53; // 'RUNS'

/**
 * The SQL of `probe_runs` and `speedtest_queue`, and the events that follow their changes. Every
 * status change is one `UPDATE … WHERE status = ANY(allowed) RETURNING`, so two replicas (or a
 * late agent report racing a cancel) cannot both move the same run: one wins, the other changes
 * nothing. The queue entry of a run moves with it, in the same transaction.
 */
@Injectable()
export class RunStore {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: DomainEventBus,
  ) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** Inserts a run (and its queue entry for a queued one) inside the caller's transaction. */
  async insert(em: EntityManager, run: NewRun): Promise<{ run: RunRow; queue: QueueRow | null }> {
    const [row] = await writeReturning<RunRow>(
      em,
      `INSERT INTO probe_runs (workspace_id, agent_id, probe_id, type, config, status, origin, created_by, started_at, deadline_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8,
               CASE WHEN $6 = 'running' THEN now() END,
               CASE WHEN $6 = 'running' THEN now() + make_interval(secs => $9::double precision / 1000) END)
       RETURNING *`,
      [run.workspaceId, run.agentId, run.probeId, run.config.type, JSON.stringify(run.config), run.queued ? 'queued' : 'running', run.origin, run.createdBy, run.budgetMs],
    );
    if (!run.queued) return { run: row, queue: null };
    const [queue] = await writeReturning<QueueRow>(
      em,
      `INSERT INTO speedtest_queue (run_id, workspace_id, agent_id, probe_id, source, status)
       VALUES ($1, $2, $3, $4, $5, 'queued')
       ON CONFLICT DO NOTHING RETURNING *`,
      [row.id, run.workspaceId, run.agentId, run.probeId, run.origin],
    );
    return { run: row, queue: queue ?? null };
  }

  /**
   * Applies `event` to each of `runIds` that is in a status it may leave; returns the runs
   * that moved (with their queue entries). Publish with `announce` after the commit.
   */
  async transition(
    em: EntityManager,
    runIds: readonly number[],
    event: RunEvent,
    patch: { error?: string; budgetMs?: number } = {},
  ): Promise<Array<{ run: RunRow; queue: QueueRow | null }>> {
    if (runIds.length === 0) return [];
    const to = targetOf(event);
    const runs = await writeReturning<RunRow>(
      em,
      `UPDATE probe_runs SET
         status = $2,
         error = COALESCE($4, error),
         started_at = CASE WHEN $2 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
         finished_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() ELSE finished_at END,
         deadline_at = CASE WHEN $5::double precision IS NOT NULL THEN now() + make_interval(secs => $5::double precision / 1000) ELSE deadline_at END
       WHERE id = ANY($1::int[]) AND status = ANY($3::text[])
       RETURNING *`,
      [runIds, to, statusesFor(event), patch.error ?? null, patch.budgetMs ?? null],
    );
    if (runs.length === 0) return [];
    const queues = await writeReturning<QueueRow>(
      em,
      `UPDATE speedtest_queue SET
         status = $2,
         error = COALESCE($3, error),
         started_at = CASE WHEN $2 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
         finished_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() ELSE finished_at END
       WHERE run_id = ANY($1::int[])
       RETURNING *`,
      [runs.map((r) => r.id), to, patch.error ?? null],
    );
    const byRun = new Map(queues.map((q) => [q.run_id, q]));
    return runs.map((run) => ({ run, queue: byRun.get(run.id) ?? null }));
  }

  /** Adds result ids to a run (once each, bounded); returns the run as it is now, or null. */
  async addResults(runId: number, workspaceId: number, agentId: number, ids: readonly string[]): Promise<RunRow | null> {
    const [row] = await writeReturning<RunRow>(
      this.db.manager,
      `UPDATE probe_runs SET result_ids = (result_ids || ARRAY(SELECT DISTINCT x FROM unnest($4::text[]) x WHERE x <> ALL(result_ids)))[1:${MAX_RUN_RESULT_IDS}]
       WHERE id = $1 AND workspace_id = $2 AND agent_id = $3
       RETURNING *`,
      [runId, workspaceId, agentId, ids],
    );
    return row ?? null;
  }

  async findRun(workspaceId: number, runId: number): Promise<RunRow | null> {
    const rows = await this.db.query<RunRow[]>('SELECT * FROM probe_runs WHERE id = $1 AND workspace_id = $2', [runId, workspaceId]);
    return rows[0] ?? null;
  }

  async queueOfRun(runId: number): Promise<QueueRow | null> {
    const rows = await this.db.query<QueueRow[]>('SELECT * FROM speedtest_queue WHERE run_id = $1', [runId]);
    return rows[0] ?? null;
  }

  /** Runs of these ids that belong to this agent (ingest: results naming a run). */
  async runsOfAgent(workspaceId: number, agentId: number, runIds: readonly number[]): Promise<Array<Pick<RunRow, 'id' | 'type' | 'probe_id'>>> {
    if (runIds.length === 0) return [];
    return this.db.query('SELECT id, type, probe_id FROM probe_runs WHERE id = ANY($1::int[]) AND workspace_id = $2 AND agent_id = $3', [
      [...new Set(runIds)],
      workspaceId,
      agentId,
    ]);
  }

  /** Publishes what `insert`/`transition` changed: `run.changed`, and `speedtest.changed` for queue entries. */
  announce(changes: ReadonlyArray<{ run: RunRow; queue: QueueRow | null }>): void {
    for (const { run, queue } of changes) {
      void this.events.emit('run.changed', runUpdate(run));
      if (queue) {
        void this.events.emit('speedtest.changed', {
          type: 'speedtest_update',
          workspace_id: queue.workspace_id,
          agent_id: queue.agent_id,
          queue_id: queue.id,
          status: queue.status,
        });
      }
    }
  }
}

export function runUpdate(run: RunRow): RunUpdateMessage {
  return {
    type: 'run_update',
    workspace_id: run.workspace_id,
    agent_id: run.agent_id,
    run_id: run.id,
    status: run.status,
    ...(run.result_ids.length > 0 ? { result_ids: run.result_ids } : {}),
    ...(run.error ? { error: run.error } : {}),
  };
}
