import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ProbePostOk, ProbeResult, ProbeType } from '@netwatcher/shared';
import { Listeners } from '../common/listeners';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import type { NewResult } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { AgentProbeIndex } from '../probes/agent-probe-index.service';
import { RunDirectory } from '../runs/run-directory.service';
import { IngestIdentity, toProbeResultRow } from '../probe-results/probe-result.row';
import { ProbeResultsRepository } from '../probe-results/probe-results.repository';
import { BatchWriter, WriterBusy, type FlushStats, type WriteOutcome } from './batch-writer';
import type { IngestEvent } from './ingest-events';
import { BatchRefused, firstResultId, REJECTION_REASONS, validateBatch } from './result-validation';

/** A flush slower than this is logged as a warning: results wait that long for their ack. */
const SLOW_FLUSH_MS = 1000;

/** How long an agent told `busy` waits before sending again: a few flushes' worth. */
const BUSY_RETRY_MS = 1000;

/**
 * What became of one `probe_post`; the gateway only translates it into a reply.
 * - stored: written (or already stored); the ack names the ids the agent may drop.
 * - busy: the write queue is full and nothing was taken. `resultId` names the refused post by
 *   its first result, so the agent resends that post, not everything it has in flight (which
 *   would multiply the load that made us busy). `retryAfterMs` is jittered, so the refused
 *   agents do not all come back in the same instant.
 * - refused: the message as a whole is unusable (empty, too many results); `reason` says why.
 */
export type IngestOutcome =
  | { kind: 'stored'; ack: ProbePostOk }
  | { kind: 'busy'; error: string; retryAfterMs: number; resultId: string | null }
  | { kind: 'refused'; reason: string };

/**
 * The ingest pipeline: validate → store (batched, de-duplicated) → ack, with the fan-out to
 * panels (`results.new`) as early as it can be exact, and `results.stored` after the ack. The ack is returned only after the write, and only
 * stored or already-stored ids are in it, so an agent may drop exactly what it is told and
 * nothing else.
 *
 * A result that is new for certain (see BatchWriter.submit) is fanned out right after
 * validation: a live panel should not wait ~20–40 ms for a durable insert it cannot tell
 * apart from. Results that may be re-deliveries are fanned out after the write, only if it
 * stored them. The one cost: if the write then fails, the agent sends the result again and a
 * panel may see it twice (same id).
 */
@Injectable()
export class IngestService implements OnApplicationBootstrap {
  private readonly logger = new Logger(IngestService.name);
  private readonly writer: BatchWriter;
  private busySince = 0;
  private busyRefusals = 0;
  private readonly watchers = new Listeners<IngestEvent>(IngestService.name);

  constructor(
    private readonly repository: ProbeResultsRepository,
    private readonly probeIndex: AgentProbeIndex,
    private readonly runs: RunDirectory,
    private readonly events: DomainEventBus,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.writer = new BatchWriter(repository, {
      maxQueuedRows: config.ingestMaxQueuedResults,
      onFlush: (stats) => this.logFlush(stats),
      onFlushError: (error) => this.watchers.notify({ kind: 'flush_failed', error }),
    });
  }

  /** Watch the pipeline (metrics); returns the function that stops watching. */
  watch(listener: (event: IngestEvent) => void): () => void {
    return this.watchers.add(listener);
  }

  /** Results accepted and waiting for the time-series store. */
  queuedResults(): number {
    return this.writer.queued;
  }

  /** Every flush at debug level; a slow one (the store falling behind) as a warning. */
  private logFlush(stats: FlushStats): void {
    this.watchers.notify({ kind: 'flushed', stats });
    const line = { ...stats, lookupMs: Math.round(stats.lookupMs), insertMs: Math.round(stats.insertMs) };
    if (stats.lookupMs + stats.insertMs > SLOW_FLUSH_MS) this.logger.warn(line, 'slow write to the time-series store');
    else this.logger.debug(line, 'results written');
  }

  /** Before agents connect: what the store holds tells which results can skip the de-dup lookup. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      this.writer.storedUntil(await this.repository.newestCreatedAt());
    } catch (e) {
      // Not fatal: the conservative default (start-up + clock skew) stays, which is only slower.
      this.logger.warn({ err: e }, 'could not read the newest stored result; de-dup lookups stay on for five minutes');
    }
  }

  async ingest(agent: { workspaceId: number; agentId: number }, raw: unknown): Promise<IngestOutcome> {
    try {
      return { kind: 'stored', ack: await this.store(agent, raw) };
    } catch (e) {
      if (e instanceof BatchRefused) {
        this.watchers.notify({ kind: 'refused', reason: e.reason, results: Array.isArray(raw) ? raw.length : 1 });
        return { kind: 'refused', reason: e.message };
      }
      if (!(e instanceof WriterBusy)) throw e;
      this.watchers.notify({ kind: 'refused', reason: 'busy', results: Array.isArray(raw) ? raw.length : 1 });
      this.noteBusy(e);
      return { kind: 'busy', error: e.message, retryAfterMs: Math.round(BUSY_RETRY_MS * (1 + Math.random())), resultId: firstResultId(raw) };
    }
  }

  private async store(agent: { workspaceId: number; agentId: number }, raw: unknown): Promise<ProbePostOk> {
    this.writer.assertNotFull();
    const probeIds = (Array.isArray(raw) ? raw : [raw])
      .map((r) => (r as { probe_id?: unknown } | null)?.probe_id)
      .filter((id): id is number => typeof id === 'number');
    const ownedType = await this.probeIndex.resolver(agent.workspaceId, agent.agentId, probeIds);
    const runTypes = await this.runTypes(agent, raw);
    const { accepted, sentIds, rejected, rejectedBy } = validateBatch(raw, ownedType, Date.now(), (runId) => runTypes.get(runId));
    if (rejected.length > 0) {
      for (const reason of REJECTION_REASONS) {
        const count = rejectedBy[reason];
        if (count) this.watchers.notify({ kind: 'rejected', reason, count });
      }
      this.logger.warn({ agent_id: agent.agentId, rejected: rejected.slice(0, 5), rejected_count: rejected.length }, 'results rejected');
    }
    const who: IngestIdentity = { workspaceId: agent.workspaceId, agentId: agent.agentId, probeAgentId: agent.agentId };
    const { fresh, outcome } = this.writer.submit(accepted.map((r) => toProbeResultRow(r, who)));
    const shown = new Set(fresh.map((r) => r.id));
    this.publish('results.new', agent, accepted, shown);
    const written = await outcome;
    // Ack first, fan out after: the caller emits the ack as soon as this resolves, and the
    // broadcast runs on the next turn, so its cost never delays an agent's ack.
    setImmediate(() => this.afterAck(agent, accepted, shown, written));
    return { ids: sentIds, rejected };
  }

  /** Runs named by the post's results (one query, and none for the usual post that names no run). */
  private async runTypes(agent: { workspaceId: number; agentId: number }, raw: unknown): Promise<Map<number, ProbeType>> {
    const runIds = (Array.isArray(raw) ? raw : [raw])
      .map((r) => (r as { run_id?: unknown } | null)?.run_id)
      .filter((id): id is number => Number.isSafeInteger(id) && (id as number) > 0 && (id as number) <= 2_147_483_647);
    if (runIds.length === 0) return new Map();
    return this.runs.typesOfAgentRuns(agent.workspaceId, agent.agentId, runIds);
  }

  /** The live feed gets what it has not seen yet; evaluators get everything this call stored. */
  private afterAck(agent: { workspaceId: number; agentId: number }, accepted: ProbeResult[], shown: ReadonlySet<string>, written: WriteOutcome): void {
    const late = new Set(written.inserted.filter((r) => !shown.has(r.id)).map((r) => r.id));
    this.publish('results.new', agent, accepted, late);
    this.publish('results.stored', agent, accepted, new Set(written.inserted.map((r) => r.id)));
  }

  private publish(
    event: 'results.new' | 'results.stored',
    agent: { workspaceId: number; agentId: number },
    results: ProbeResult[],
    ids: ReadonlySet<string>,
  ): void {
    if (ids.size === 0) return;
    const selected: NewResult[] = [];
    const seen = new Set<string>();
    for (const result of results) {
      if (!ids.has(result.id) || seen.has(result.id)) continue;
      seen.add(result.id);
      selected.push({ workspaceId: agent.workspaceId, agentId: agent.agentId, result });
    }
    void this.events.emit(event, selected);
  }

  /** One log line per overload episode second, not one per refused message. */
  private noteBusy(e: WriterBusy): void {
    this.busyRefusals++;
    const now = Date.now();
    if (now - this.busySince < 1000) return;
    this.logger.warn({ queued_results: e.queuedRows, refused_posts: this.busyRefusals }, 'ingest overloaded: refusing results until the write queue drains');
    this.busySince = now;
    this.busyRefusals = 0;
  }
}
