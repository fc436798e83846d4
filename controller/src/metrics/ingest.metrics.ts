import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RESULT_TYPES } from '@netwatcher/shared';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DomainEventBus } from '../events/event-bus';
import type { IngestEvent } from '../ingest/ingest-events';
import { IngestService } from '../ingest/ingest.service';
import { REJECTION_REASONS } from '../ingest/result-validation';
import { MetricsRegistry } from './metrics-registry';

const POST_REFUSALS = ['busy', 'empty', 'too_many'] as const;

/**
 * The result pipeline seen from outside: results stored per type (from `results.stored`, so a
 * re-delivery is not counted twice), refusals by reason, the write queue and each write to the
 * time-series store (from IngestService's hook).
 */
@Injectable()
export class IngestMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly ingested: Counter<'type'>;
  private readonly rejected: Counter<'reason'>;
  private readonly refusedPosts: Counter<'reason'>;
  private readonly flushSeconds: Histogram;
  private readonly storeErrors: Counter<'operation'>;
  private readonly stops: Array<() => void> = [];

  constructor(
    metrics: MetricsRegistry,
    private readonly events: DomainEventBus,
    private readonly ingest: IngestService,
  ) {
    const registers = [metrics.registry];
    this.ingested = new Counter({ name: 'netwatcher_results_ingested_total', help: 'Results stored, per result type (re-deliveries not counted).', labelNames: ['type'], registers });
    this.rejected = new Counter({
      name: 'netwatcher_results_rejected_total',
      help: 'Results refused one by one, by reason (invalid, not_owned, wrong_type, bad_time, future, expired).',
      labelNames: ['reason'],
      registers,
    });
    this.refusedPosts = new Counter({
      name: 'netwatcher_ingest_posts_refused_total',
      help: 'Whole probe_post messages refused: busy (write queue full; the agent sends again), empty, too_many.',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'netwatcher_ingest_queued_results',
      help: 'Results accepted and waiting for the time-series store.',
      registers,
      collect() {
        this.set(ingest.queuedResults());
      },
    });
    this.flushSeconds = new Histogram({
      name: 'netwatcher_ingest_flush_duration_seconds',
      help: 'One write of queued results to the time-series store (de-dup lookup and insert).',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.storeErrors = new Counter({ name: 'netwatcher_store_errors_total', help: 'Failed writes to the time-series store, by operation.', labelNames: ['operation'], registers });
    // Every known label at zero, so a rate() has a series before the first event.
    for (const type of RESULT_TYPES) this.ingested.inc({ type }, 0);
    for (const reason of REJECTION_REASONS) this.rejected.inc({ reason }, 0);
    for (const reason of POST_REFUSALS) this.refusedPosts.inc({ reason }, 0);
    this.storeErrors.inc({ operation: 'ingest_flush' }, 0);
  }

  onModuleInit(): void {
    this.stops.push(
      this.events.on('results.stored', (stored) => {
        for (const { result } of stored) this.ingested.inc({ type: result.type });
      }),
      this.ingest.watch((event) => this.count(event)),
    );
  }

  onModuleDestroy(): void {
    for (const stop of this.stops) stop();
  }

  private count(event: IngestEvent): void {
    switch (event.kind) {
      case 'rejected':
        this.rejected.inc({ reason: event.reason }, event.count);
        return;
      case 'refused':
        this.refusedPosts.inc({ reason: event.reason });
        return;
      case 'flushed':
        this.flushSeconds.observe((event.stats.lookupMs + event.stats.insertMs) / 1000);
        return;
      case 'flush_failed':
        this.storeErrors.inc({ operation: 'ingest_flush' });
        return;
    }
  }
}
