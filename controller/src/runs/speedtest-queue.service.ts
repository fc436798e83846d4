import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { RunProbeConfig } from '@netwatcher/shared';
import { AgentDirectory } from '../agents/agent-directory.service';
import { ApiError } from '../common/api-error';
import { ListResponse, toList } from '../common/pagination';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { DomainEventBus } from '../events/event-bus';
import { AgentConfigService } from '../probes/agent-config.service';
import { ProbeDirectory } from '../probes/probe-directory.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import type { QueueQueryDto } from './dto/run.dto';
import { pickDispatchable, runBudgetMs } from './run-state';
import { QueueRow, RUNS_LOCK_CLASS, RunStore } from './run-store';
import { QueueEntryView, toQueueEntryView } from './run.view';
import { planSteps, RunsService } from './runs.service';

/** How often the queue looks for work even when nothing announced any (agents coming online). */
const DISPATCH_MS = 2_000;
/** How often scheduled SPEEDTEST probes are checked for being due. */
const SCHEDULE_MS = 15_000;
/** Waiting entries considered per dispatch round (oldest first). */
const DISPATCH_WINDOW = 200;

/**
 * The speed-test queue. A speed test saturates the link it measures, so one runs per agent at
 * a time, and at most SPEEDTEST_MAX_RUNNING across the controller (replicas share the count in
 * PostgreSQL, under one advisory lock). Scheduled SPEEDTEST probes are enqueued here at their
 * interval (the agent's scheduler skips the type); on-demand SPEEDTEST runs are enqueued by
 * RunsService. Entries go queued → running → completed | failed | cancelled.
 */
@Injectable()
export class SpeedtestQueue implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SpeedtestQueue.name);
  private dispatchTimer?: NodeJS.Timeout;
  private scheduleTimer?: NodeJS.Timeout;
  /** One dispatch round at a time here; a kick during one asks for another right after. */
  private dispatching: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly store: RunStore,
    private readonly runs: RunsService,
    private readonly agents: AgentDirectory,
    private readonly probes: ProbeDirectory,
    private readonly configs: AgentConfigService,
    private readonly access: WorkspaceAccessService,
    private readonly events: DomainEventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.runs.onQueued(() => this.kick());
    this.dispatchTimer = setInterval(() => this.kick(), DISPATCH_MS);
    this.dispatchTimer.unref();
    this.scheduleTimer = setInterval(() => void this.enqueueDue(), SCHEDULE_MS);
    this.scheduleTimer.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.dispatchTimer);
    clearInterval(this.scheduleTimer);
  }

  /** Look for work now (a run was queued or finished, an agent connected). */
  kick(): void {
    if (this.stopped) return;
    if (this.dispatching) {
      this.again = true;
      return;
    }
    this.dispatching = this.dispatch()
      .catch((e: unknown) => this.logger.warn({ err: e }, 'speed-test dispatch failed; next round'))
      .finally(() => {
        this.dispatching = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the round in progress (if any) has finished: tests and shutdown. */
  async settled(): Promise<void> {
    while (this.dispatching) await this.dispatching;
  }

  async list(userId: number, workspaceId: number, query: QueueQueryDto): Promise<ListResponse<QueueEntryView>> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    if (query.agent_id !== undefined) where.push(`agent_id = $${params.push(query.agent_id)}`);
    if (query.status !== undefined) where.push(`status = $${params.push(query.status)}`);
    const rows = await this.store.transaction(async (em) => {
      const [{ n }] = await em.query<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM speedtest_queue WHERE ${where.join(' AND ')}`, params);
      const page = await em.query<QueueRow[]>(
        `SELECT * FROM speedtest_queue WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, query.limit, query.offset],
      );
      return { total: Number(n), page };
    });
    return toList(rows.page.map(toQueueEntryView), rows.total, query);
  }

  /** Cancels a queued or running entry; a running one is also stopped on its agent. */
  async cancel(userId: number, workspaceId: number, queueId: number): Promise<QueueEntryView> {
    await this.access.require(userId, workspaceId, 'USER');
    const result = await this.store.transaction(async (em) => {
      const [entry] = await em.query<QueueRow[]>('SELECT * FROM speedtest_queue WHERE id = $1 AND workspace_id = $2', [queueId, workspaceId]);
      if (!entry) throw ApiError.notFound('queue entry');
      const changed = await this.store.transition(em, [entry.run_id], 'cancel', { error: 'cancelled by a user' });
      if (changed.length === 0) throw ApiError.conflict(`queue entry ${queueId} is ${entry.status}; only queued or running entries can be cancelled`, 'not_cancellable');
      return { entry, changed };
    });
    this.store.announce(result.changed);
    const { entry } = result;
    if (entry.status === 'running') {
      void this.events.emit('run.cancel', { workspaceId, agentId: entry.agent_id, runId: entry.run_id });
      this.kick();
    }
    return toQueueEntryView(result.changed[0].queue ?? entry);
  }

  /**
   * One round: under the queue lock, count what runs, pick the oldest waiting entry of each idle
   * reachable agent up to the free slots, claim them (`UPDATE … WHERE status = 'queued'`), and
   * after the commit tell their agents.
   */
  private async dispatch(): Promise<void> {
    const started = await this.store.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1, 0)', [RUNS_LOCK_CLASS]);
      const running = await em.query<Array<{ agent_id: number }>>(`SELECT agent_id FROM speedtest_queue WHERE status = 'running'`);
      const free = this.config.runs.speedtestMaxRunning - running.length;
      if (free <= 0) return [];
      const waiting = await em.query<QueueRow[]>(`SELECT * FROM speedtest_queue WHERE status = 'queued' ORDER BY id LIMIT ${DISPATCH_WINDOW}`);
      if (waiting.length === 0) return [];
      const seen = new Map<number, Date | null>();
      for (const ws of new Set(waiting.map((w) => w.workspace_id))) {
        const ids = waiting.filter((w) => w.workspace_id === ws).map((w) => w.agent_id);
        for (const a of await this.agents.summaries(ws, ids)) seen.set(a.id, a.lastSeenAt);
      }
      const picked = pickDispatchable(
        waiting.map((w) => ({ id: w.id, agentId: w.agent_id })),
        new Set(running.map((r) => r.agent_id)),
        (agentId) => seen.has(agentId) && this.runs.agentReachable(agentId, seen.get(agentId) ?? null),
        free,
      );
      const out = [];
      for (const { id } of picked) {
        const entry = waiting.find((w) => w.id === id)!;
        const [run] = await em.query<Array<{ config: RunProbeConfig }>>('SELECT config FROM probe_runs WHERE id = $1', [entry.run_id]);
        const changed = await this.store.transition(em, [entry.run_id], 'dispatch', { budgetMs: runBudgetMs(run.config, planSteps(run.config.type)) });
        out.push(...changed);
      }
      return out;
    });
    if (started.length === 0) return;
    this.store.announce(started);
    for (const { run, queue } of started) {
      this.logger.log({ run_id: run.id, queue_id: queue?.id, agent_id: run.agent_id }, 'speed test started');
      void this.events.emit('run.start', {
        workspaceId: run.workspace_id,
        agentId: run.agent_id,
        start: { run_id: run.id, probe: run.config, ...(queue ? { queue_id: queue.id } : {}) },
      });
    }
  }

  /**
   * Scheduled SPEEDTEST probes whose interval has passed since their last entry get a new one.
   * The unique index on waiting scheduled entries per probe keeps replicas from doubling them.
   */
  async enqueueDue(): Promise<number> {
    try {
      const probes = await this.probes.enabledOfTypesEverywhere(['SPEEDTEST']);
      if (probes.length === 0) return 0;
      const last = await this.store.transaction((em) =>
        em.query<Array<{ probe_id: number; last: Date }>>(
          `SELECT probe_id, max(created_at) AS last FROM speedtest_queue WHERE source = 'scheduled' AND probe_id = ANY($1::int[]) GROUP BY probe_id`,
          [probes.map((p) => p.id)],
        ),
      );
      const lastOf = new Map(last.map((r) => [Number(r.probe_id), new Date(r.last).getTime()]));
      let added = 0;
      for (const probe of probes) {
        const previous = lastOf.get(probe.id);
        if (previous !== undefined && Date.now() - previous < probe.interval_sec * 1000) continue;
        const config = await this.configs.probeConfig(probe.workspace_id, probe.agent_id, probe.id);
        if (!config) continue;
        const created = await this.store.transaction(async (em) => {
          const inserted = await this.store.insert(em, {
            workspaceId: probe.workspace_id,
            agentId: probe.agent_id,
            probeId: probe.id,
            config,
            origin: 'scheduled',
            createdBy: null,
            queued: true,
            budgetMs: 0,
          });
          if (inserted.queue) return inserted;
          // One is still waiting (another replica's, or the last one has not run yet): no second.
          await em.query('DELETE FROM probe_runs WHERE id = $1', [inserted.run.id]);
          return null;
        });
        if (!created) continue;
        this.store.announce([created]);
        added++;
      }
      if (added > 0) this.kick();
      return added;
    } catch (e) {
      this.logger.warn({ err: e }, 'scheduling speed tests failed; next time');
      return 0;
    }
  }
}
