import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { dispatchedByController, PROBE_CATALOGUE, type ProbeType, type RunProbeConfig, type RunStatusReport } from '@netwatcher/shared';
import { AgentDirectory } from '../agents/agent-directory.service';
import { AgentPresence } from '../agents/agent-presence.service';
import { isOnline } from '../agents/presence';
import { ApiError } from '../common/api-error';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { NewResult } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { ProbeDataRepository } from '../probe-results/probe-data.repository';
import { AgentConfigService } from '../probes/agent-config.service';
import { requireValidProbe } from '../probes/probes.service';
import { WorkspaceAccessService } from '../workspaces/workspace-access.service';
import type { CreateRunDto } from './dto/run.dto';
import { runBudgetMs, type RunEvent } from './run-state';
import { RUNS_LOCK_CLASS, RunStore } from './run-store';
import { CreatedRunView, RunView, toRunView } from './run.view';

/** How often running runs past their deadline are failed. */
const SWEEP_MS = 5_000;
/** Results are looked up from a little before the run was created (agent clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Steps of one run: a plan (AGENT) runs each of its types in turn. */
export function planSteps(type: ProbeType): number {
  const entry = PROBE_CATALOGUE[type];
  return entry.result === null ? entry.plan.length : 1;
}

/**
 * On-demand runs: `POST …/runs` (validated by the probe rules, bounded per agent and per
 * workspace, refused for an offline agent), the agent's `run_status` reports, results tied to
 * their run as they are stored, and runs lost with their agent. SPEEDTEST runs are queued
 * (SpeedtestQueue starts them); every other type is sent to the agent at once.
 */
@Injectable()
export class RunsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RunsService.name);
  private readonly unsubscribe: Array<() => void> = [];
  private sweepTimer?: NodeJS.Timeout;
  /** Called after a queued run was created (the queue's dispatcher looks at once). */
  private queuedListener: () => void = () => undefined;

  constructor(
    private readonly store: RunStore,
    private readonly agents: AgentDirectory,
    private readonly presence: AgentPresence,
    private readonly configs: AgentConfigService,
    private readonly access: WorkspaceAccessService,
    private readonly results: ProbeDataRepository,
    private readonly events: DomainEventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.events.on('results.stored', (stored) => this.linkResults(stored)),
      // Deleted (soft) agents never connect again: what they had waiting or running ends now.
      this.events.on('agent.deleted', ({ workspaceId, agentId }) => this.endRuns({ workspaceId, agentId }, 'the agent was deleted')),
      this.events.on('workspace.deleted', ({ workspaceId }) => this.endRuns({ workspaceId }, 'the workspace was deleted')),
    );
    this.sweepTimer = setInterval(() => void this.sweepOverdue(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    for (const off of this.unsubscribe) off();
    clearInterval(this.sweepTimer);
  }

  onQueued(listener: () => void): void {
    this.queuedListener = listener;
  }

  /**
   * Whether the agent can be reached now: a socket on this replica, or (another replica's) a
   * fresh last_seen_at unless its socket here just closed.
   */
  agentReachable(agentId: number, lastSeenAt: Date | null): boolean {
    return this.presence.isConnectedHere(agentId) || (isOnline(lastSeenAt) && !this.presence.leftHereRecently(agentId));
  }

  async create(userId: number, workspaceId: number, agentId: number, dto: CreateRunDto): Promise<CreatedRunView> {
    await this.access.require(userId, workspaceId, 'USER');
    const [agent] = await this.agents.summaries(workspaceId, [agentId]);
    if (!agent) throw ApiError.notFound('agent');
    const probe = await this.probeToRun(workspaceId, agentId, dto);
    if (!this.agentReachable(agentId, agent.lastSeenAt)) {
      const seen = agent.lastSeenAt ? `last seen ${agent.lastSeenAt.toISOString()}` : 'never connected';
      throw ApiError.conflict(`agent ${agentId} is offline (${seen}); a run needs a connected agent`, 'agent_offline');
    }
    const queued = dispatchedByController(probe.config.type);
    const budgetMs = runBudgetMs(probe.config, planSteps(probe.config.type));
    const { run, queue } = await this.store.transaction(async (em) => {
      // One creator per workspace at a time: the count and the insert cannot interleave.
      await em.query('SELECT pg_advisory_xact_lock($1, $2)', [RUNS_LOCK_CLASS, workspaceId]);
      const [counts] = await em.query<Array<{ agent: number; workspace: number }>>(
        `SELECT count(*) FILTER (WHERE agent_id = $2)::int AS agent, count(*)::int AS workspace
           FROM probe_runs WHERE workspace_id = $1 AND origin = 'on_demand' AND status IN ('queued', 'running')`,
        [workspaceId, agentId],
      );
      const { maxPerAgent, maxPerWorkspace } = this.config.runs;
      if (Number(counts.agent) >= maxPerAgent) {
        throw ApiError.tooManyRequests(`agent ${agentId} already has ${counts.agent} runs queued or running (at most ${maxPerAgent}); wait for one to finish`, 'too_many_runs');
      }
      if (Number(counts.workspace) >= maxPerWorkspace) {
        throw ApiError.tooManyRequests(
          `this workspace already has ${counts.workspace} runs queued or running (at most ${maxPerWorkspace}); wait for one to finish`,
          'too_many_runs',
        );
      }
      return this.store.insert(em, {
        workspaceId,
        agentId,
        probeId: probe.probeId,
        config: probe.config,
        origin: 'on_demand',
        createdBy: userId,
        queued,
        budgetMs,
      });
    });
    this.store.announce([{ run, queue }]);
    if (queued) this.queuedListener();
    else void this.events.emit('run.start', { workspaceId, agentId, start: { run_id: run.id, probe: probe.config } });
    this.logger.log({ run_id: run.id, workspace_id: workspaceId, agent_id: agentId, type: run.type, queued }, 'run created');
    return { run_id: run.id, status: run.status, queue_id: queue?.id ?? null };
  }

  async get(userId: number, workspaceId: number, agentId: number, runId: number): Promise<RunView> {
    await this.access.require(userId, workspaceId, 'VIEWER');
    const run = await this.store.findRun(workspaceId, runId);
    if (!run || run.agent_id !== agentId) throw ApiError.notFound('run');
    const queue = await this.store.queueOfRun(run.id);
    const results =
      run.result_ids.length === 0
        ? []
        : await this.results.find(
            { workspaceId, agentId, ids: run.result_ids, from: new Date(new Date(run.created_at).getTime() - CLOCK_SKEW_MS) },
            { limit: run.result_ids.length, asc: true },
          );
    return toRunView(run, queue?.id ?? null, results);
  }

  /** `run_status` from the agent that runs it (another agent's run id changes nothing). */
  async report(workspaceId: number, agentId: number, report: RunStatusReport): Promise<void> {
    const event: RunEvent = report.status === 'running' ? 'agent_running' : report.status === 'completed' ? 'agent_completed' : 'agent_failed';
    const owned = await this.store.runsOfAgent(workspaceId, agentId, [report.run_id]);
    if (owned.length === 0) return;
    if (report.result_ids?.length) await this.store.addResults(report.run_id, workspaceId, agentId, report.result_ids);
    if (event === 'agent_running') return;
    const changed = await this.store.transaction((em) => this.store.transition(em, [report.run_id], event, { error: report.error }));
    this.store.announce(changed);
    if (changed.some((c) => c.queue)) this.queuedListener();
  }

  /** The agent's last socket on this replica closed: what it was running is lost. */
  async agentDisconnected(workspaceId: number, agentId: number): Promise<void> {
    if (this.presence.isConnectedHere(agentId)) return;
    await this.endRuns({ workspaceId, agentId }, 'the agent disconnected while the run was running', ['running']);
  }

  /** Fails the agent's (or the workspace's) runs in these statuses. */
  private async endRuns(scope: { workspaceId: number; agentId?: number }, error: string, statuses: readonly string[] = ['queued', 'running']): Promise<void> {
    const changed = await this.store.transaction(async (em) => {
      const rows = await em.query<Array<{ id: number }>>(
        `SELECT id FROM probe_runs WHERE workspace_id = $1 AND ($2::int IS NULL OR agent_id = $2) AND status = ANY($3::text[])`,
        [scope.workspaceId, scope.agentId ?? null, statuses],
      );
      return this.store.transition(em, rows.map((r) => r.id), 'lost', { error });
    });
    this.store.announce(changed);
    if (changed.some((c) => c.queue)) this.queuedListener();
  }

  /** Running runs past their deadline failed: the agent never said how they ended. */
  async sweepOverdue(): Promise<number> {
    try {
      const changed = await this.store.transaction(async (em) => {
        const rows = await em.query<Array<{ id: number }>>(`SELECT id FROM probe_runs WHERE status = 'running' AND deadline_at < now() LIMIT 500`);
        return this.store.transition(em, rows.map((r) => r.id), 'lost', { error: 'the run did not finish in time' });
      });
      this.store.announce(changed);
      if (changed.some((c) => c.queue)) this.queuedListener();
      return changed.length;
    } catch (e) {
      this.logger.warn({ err: e }, 'overdue run sweep failed; next time');
      return 0;
    }
  }

  /** Results stored with a run id join their run, and the panel hears of them. */
  private async linkResults(stored: NewResult[]): Promise<void> {
    const byRun = new Map<number, { workspaceId: number; agentId: number; ids: string[] }>();
    for (const { workspaceId, agentId, result } of stored) {
      if (result.run_id === undefined) continue;
      const entry = byRun.get(result.run_id) ?? { workspaceId, agentId, ids: [] };
      entry.ids.push(result.id);
      byRun.set(result.run_id, entry);
    }
    for (const [runId, { workspaceId, agentId, ids }] of byRun) {
      const run = await this.store.addResults(runId, workspaceId, agentId, ids);
      if (run) this.store.announce([{ run, queue: null }]);
    }
  }

  /** The probe a run measures: a configured one of this agent, or validated ad-hoc settings. */
  private async probeToRun(workspaceId: number, agentId: number, dto: CreateRunDto): Promise<{ probeId: number | null; config: RunProbeConfig }> {
    const settingsGiven = ['type', 'timeout_sec', 'count', 'duration_sec', 'targets', 'agent_targets'].filter(
      (k) => dto[k as keyof CreateRunDto] !== undefined,
    );
    if (dto.probe_id !== undefined) {
      if (settingsGiven.length > 0) {
        throw ApiError.badRequest(`give probe_id or the probe settings, not both (got ${settingsGiven.join(', ')})`, 'invalid_run');
      }
      const config = await this.configs.probeConfig(workspaceId, agentId, dto.probe_id);
      if (!config) throw ApiError.notFound('probe');
      return { probeId: config.id, config };
    }
    if (dto.type === undefined) throw ApiError.badRequest('give probe_id (run a configured probe) or type (an ad-hoc run)', 'invalid_run');
    const known = await this.agents.liveAgentIds(workspaceId, dto.agent_targets ?? []);
    const settings = requireValidProbe(
      {
        type: dto.type,
        timeout_sec: dto.timeout_sec,
        count: dto.count,
        duration_sec: dto.duration_sec,
        targets: dto.targets,
        agent_targets: dto.agent_targets,
      },
      { agentId, knownAgentIds: known },
    );
    return { probeId: null, config: await this.configs.adHocConfig(workspaceId, settings) };
  }
}
