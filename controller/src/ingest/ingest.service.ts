import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ProbePostOk, ProbeResult } from '@netwatcher/shared';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { AgentProbeIndex } from './agent-probe-index.service';
import { BatchWriter, type FlushStats } from './batch-writer';
import { IngestIdentity, toProbeResultRow } from './probe-result.row';
import { ProbeResultsRepository } from './probe-results.repository';
import { validateBatch } from './result-validation';

/** A flush slower than this is logged as a warning: results wait that long for their ack. */
const SLOW_FLUSH_MS = 1000;

export interface NewResult {
  workspaceId: number;
  agentId: number;
  result: ProbeResult;
}

export type NewResultsListener = (stored: NewResult[]) => void;

/**
 * The ingest pipeline: validate → store (batched, de-duplicated) → ack, with the fan-out to
 * panels as early as it can be exact. The ack is returned only after the write, and only
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
  private readonly listeners = new Set<NewResultsListener>();

  constructor(
    private readonly repository: ProbeResultsRepository,
    private readonly probeIndex: AgentProbeIndex,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.writer = new BatchWriter(repository, { maxQueuedRows: config.ingestMaxQueuedResults, onFlush: (stats) => this.logFlush(stats) });
  }

  /** Every flush at debug level; a slow one (the store falling behind) as a warning. */
  private logFlush(stats: FlushStats): void {
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

  /**
   * Fan-out stage: every new result once, as soon as it is known to be new (panel feed now,
   * alert evaluators later). Re-deliveries never reach listeners. Listeners must not throw.
   */
  onNewResults(listener: NewResultsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ingest(agent: { workspaceId: number; agentId: number }, raw: unknown): Promise<ProbePostOk> {
    this.writer.assertNotFull();
    const probeIds = (Array.isArray(raw) ? raw : [raw])
      .map((r) => (r as { probe_id?: unknown } | null)?.probe_id)
      .filter((id): id is number => typeof id === 'number');
    const ownedType = await this.probeIndex.resolver(agent.workspaceId, agent.agentId, probeIds);
    const { accepted, sentIds, rejected } = validateBatch(raw, ownedType);
    if (rejected.length > 0) {
      this.logger.warn({ agent_id: agent.agentId, rejected: rejected.slice(0, 5), rejected_count: rejected.length }, 'results rejected');
    }
    const who: IngestIdentity = { workspaceId: agent.workspaceId, agentId: agent.agentId, probeAgentId: agent.agentId };
    const { fresh, outcome } = this.writer.submit(accepted.map((r) => toProbeResultRow(r, who)));
    const shown = new Set(fresh.map((r) => r.id));
    this.fanOut(agent, accepted, shown);
    const written = await outcome;
    const late = new Set(written.inserted.filter((r) => !shown.has(r.id)).map((r) => r.id));
    // Ack first, fan out after: the caller emits the ack as soon as this resolves, and the
    // broadcast runs on the next turn, so its cost never delays an agent's ack.
    if (late.size > 0) setImmediate(() => this.fanOut(agent, accepted, late));
    return { ids: sentIds, rejected };
  }

  private fanOut(agent: { workspaceId: number; agentId: number }, results: ProbeResult[], ids: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    const fresh: NewResult[] = [];
    const seen = new Set<string>();
    for (const result of results) {
      if (!ids.has(result.id) || seen.has(result.id)) continue;
      seen.add(result.id);
      fresh.push({ workspaceId: agent.workspaceId, agentId: agent.agentId, result });
    }
    for (const listener of this.listeners) {
      try {
        listener(fresh);
      } catch (e) {
        this.logger.error({ err: e }, 'ingest listener failed');
      }
    }
  }
}
