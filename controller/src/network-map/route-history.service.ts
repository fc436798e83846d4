import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ProbeResult } from '@netwatcher/shared';
import { DataSource, EntityManager } from 'typeorm';
import type { NewResult, RouteCheck } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { AsPaths } from './as-paths';
import { hopSequence } from './path-history';
import { judgeRoute, signatureOf, type KnownPath, type ObservedPath } from './route-diff';
import { RouteChangeEntity, RoutePathEntity } from './route-history.entities';

/**
 * How long a path counts as a known ECMP alternative after it was last seen: a path that comes
 * back within a day is alternation, one that comes back later is a route change again.
 */
export const PATH_MEMORY_MS = 86_400_000;
/** Distinct paths kept per series (the current one always): a flapping route cannot grow the table without bound. */
export const MAX_PATHS_PER_SERIES = 32;

type MtrResult = Extract<ProbeResult, { type: 'MTR' }>;
interface MtrStored extends NewResult {
  result: MtrResult;
}

const toKnown = (row: RoutePathEntity): KnownPath => ({ hops: row.hops, asPath: row.asPath, signature: row.signature, lastSeen: row.lastSeen });

/**
 * Path history and route-change detection on every stored MTR result (AGENT probes included:
 * their MTR runs are MTR results with a peer agent). Runs after the agent's ack, one batch after
 * another so a series sees its results in order, and publishes `route.checked` for alerts and
 * the map's live updates.
 */
@Injectable()
export class RouteHistory implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RouteHistory.name);
  private tail: Promise<void> = Promise.resolve();
  private stop?: () => void;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly asPaths: AsPaths,
    private readonly events: DomainEventBus,
  ) {}

  onModuleInit(): void {
    this.stop = this.events.on('results.stored', (stored) => this.observe(stored));
  }

  async onModuleDestroy(): Promise<void> {
    this.stop?.();
    await this.tail;
  }

  /** Queues the batch's MTR results; returns at once (ingest never waits for this). */
  observe(stored: readonly NewResult[]): void {
    // An ad-hoc run (runs/, probe_id 0) is a one-off look, not a series with a route to follow.
    const mtr = stored.filter((s): s is MtrStored => s.result.type === 'MTR' && s.result.probe_id !== 0);
    if (mtr.length === 0) return;
    this.tail = this.tail.then(() => this.checkAll(mtr)).catch((err: unknown) => this.logger.error({ err }, 'route check failed'));
  }

  /** Resolves when everything queued so far is checked (tests, shutdown). */
  idle(): Promise<void> {
    return this.tail;
  }

  private async checkAll(batch: readonly MtrStored[]): Promise<void> {
    const checks: RouteCheck[] = [];
    for (const stored of batch) {
      try {
        checks.push(await this.check(stored));
      } catch (err) {
        // A probe or agent deleted meanwhile (its rows cascade away), a database hiccup: that
        // result goes unjudged; the next one of its series is compared with what is stored.
        this.logger.warn({ err, probe_id: stored.result.probe_id, agent_id: stored.agentId }, 'route check of a result failed');
      }
    }
    if (checks.length > 0) await this.events.emit('route.checked', checks);
  }

  private async check(stored: MtrStored): Promise<RouteCheck> {
    const { workspaceId, agentId, result } = stored;
    const hops = hopSequence(result.payload.hops);
    const next: ObservedPath = { hops, asPath: await this.asPaths.of(hops) };
    const at = new Date(result.created_at);
    const series = { workspaceId, probeId: result.probe_id, agentId, target: result.target };
    return this.db.transaction(async (em) => {
      const rows = await em.find(RoutePathEntity, { where: { probeId: series.probeId, agentId, target: series.target } });
      const current = rows.find((r) => r.isCurrent) ?? null;
      const base = { workspaceId, agentId, result };
      // An older result arriving late (a reconnecting agent's backlog) says nothing about the route now.
      if (current && at < current.lastSeen) return { ...base, outcome: 'stale', change: null };
      const verdict = judgeRoute(current && toKnown(current), rows.map(toKnown), next, new Date(at.getTime() - PATH_MEMORY_MS));
      switch (verdict.outcome) {
        case 'first':
          await this.take(em, series, rows, next, at);
          return { ...base, outcome: 'first', change: null };
        case 'same':
        case 'alternate': {
          const row = rows.find((r) => r.signature === verdict.path.signature) as RoutePathEntity;
          await this.take(em, series, rows, next, at, row);
          return { ...base, outcome: verdict.outcome, change: null };
        }
        case 'changed': {
          const { change } = verdict;
          await this.take(em, series, rows, next, at, rows.find((r) => r.signature === signatureOf(next.hops)));
          const saved = await em.save(
            em.create(RouteChangeEntity, {
              ...series,
              kind: change.kind,
              detectedAt: at,
              beforeHops: current?.hops ?? [],
              afterHops: next.hops,
              beforeAsPath: current?.asPath ?? [],
              afterAsPath: next.asPath,
              added: change.added,
              removed: change.removed,
            }),
          );
          return { ...base, outcome: 'changed', change: { id: saved.id, kind: change.kind, asPathChanged: change.asPathChanged } };
        }
      }
    });
  }

  /** Makes `row` (or a new row for `next`) the series' current path, counted once more; prunes the oldest paths. */
  private async take(
    em: EntityManager,
    series: { workspaceId: number; probeId: number; agentId: number; target: string },
    rows: RoutePathEntity[],
    next: ObservedPath,
    at: Date,
    row?: RoutePathEntity,
  ): Promise<void> {
    const previous = rows.find((r) => r.isCurrent);
    if (previous && previous !== row) await em.update(RoutePathEntity, { id: previous.id }, { isCurrent: false });
    if (row) {
      await em.update(RoutePathEntity, { id: row.id }, { isCurrent: true, lastSeen: at > row.lastSeen ? at : row.lastSeen, seenCount: row.seenCount + 1 });
      return;
    }
    await em.insert(RoutePathEntity, {
      ...series,
      signature: signatureOf(next.hops),
      hops: next.hops,
      asPath: next.asPath,
      firstSeen: at,
      lastSeen: at,
      seenCount: 1,
      isCurrent: true,
    });
    if (rows.length + 1 > MAX_PATHS_PER_SERIES) {
      const oldest = rows
        .filter((r) => r !== previous)
        .sort((a, b) => a.lastSeen.getTime() - b.lastSeen.getTime())
        .slice(0, rows.length + 1 - MAX_PATHS_PER_SERIES);
      if (oldest.length > 0) await em.delete(RoutePathEntity, oldest.map((r) => r.id));
    }
  }
}
