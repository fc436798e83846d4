import { Injectable, Logger } from '@nestjs/common';
import type { ProbePostOk, ProbeResult } from '@netwatcher/shared';
import { AgentProbeIndex } from './agent-probe-index.service';
import { BatchWriter } from './batch-writer';
import { IngestIdentity, toProbeResultRow } from './probe-result.row';
import { ProbeResultsRepository } from './probe-results.repository';
import { validateBatch } from './result-validation';

export interface StoredResult {
  workspaceId: number;
  agentId: number;
  result: ProbeResult;
}

export type StoredListener = (stored: StoredResult[]) => void;

/**
 * The ingest pipeline: validate → store (batched, de-duplicated) → ack → fan out. The ack is
 * returned only after the write, and only stored or already-stored ids are in it, so an agent
 * may drop exactly what it is told and nothing else.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger(IngestService.name);
  private readonly writer: BatchWriter;
  private readonly listeners = new Set<StoredListener>();

  constructor(
    repository: ProbeResultsRepository,
    private readonly probeIndex: AgentProbeIndex,
  ) {
    this.writer = new BatchWriter(repository);
  }

  /** Fan-out stage: panel feed now, alert evaluators later. Listeners must not throw. */
  onStored(listener: StoredListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ingest(agent: { workspaceId: number; agentId: number }, raw: unknown): Promise<ProbePostOk> {
    const probeIds = (Array.isArray(raw) ? raw : [raw])
      .map((r) => (r as { probe_id?: unknown } | null)?.probe_id)
      .filter((id): id is number => typeof id === 'number');
    const ownedType = await this.probeIndex.resolver(agent.workspaceId, agent.agentId, probeIds);
    const { accepted, rejected } = validateBatch(raw, ownedType);
    if (rejected.length > 0) {
      this.logger.warn({ agent_id: agent.agentId, rejected: rejected.slice(0, 5), rejected_count: rejected.length }, 'results rejected');
    }
    const who: IngestIdentity = { workspaceId: agent.workspaceId, agentId: agent.agentId, probeAgentId: agent.agentId };
    const outcome = await this.writer.write(accepted.map((r) => toProbeResultRow(r, who)));
    const insertedIds = new Set(outcome.inserted.map((r) => r.id));
    const stored = accepted.filter((r) => insertedIds.has(r.id)).map((result) => ({ ...agent, result }));
    // Ack first, fan out after: the caller emits the ack as soon as this resolves, and the
    // broadcast runs on the next turn, so its cost never delays an agent's ack.
    setImmediate(() => this.fanOut(stored));
    return { ids: accepted.map((r) => r.id), rejected };
  }

  private fanOut(stored: StoredResult[]): void {
    if (stored.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(stored);
      } catch (e) {
        this.logger.error({ err: e }, 'ingest listener failed');
      }
    }
  }
}
