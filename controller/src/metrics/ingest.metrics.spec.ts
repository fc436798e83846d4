import { DomainEventBus } from '../events/event-bus';
import type { IngestEvent } from '../ingest/ingest-events';
import type { IngestService } from '../ingest/ingest.service';
import { IngestMetrics } from './ingest.metrics';
import { MetricsRegistry } from './metrics-registry';

/** The watched side of IngestService, driven by hand: what the pipeline would report. */
function fakeIngest(): { service: IngestService; emit(event: IngestEvent): void; queued: number } {
  const listeners = new Set<(event: IngestEvent) => void>();
  const fake = {
    queued: 0,
    emit: (event: IngestEvent) => listeners.forEach((l) => l(event)),
    service: {
      watch: (l: (event: IngestEvent) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      queuedResults: () => fake.queued,
    } as unknown as IngestService,
  };
  return fake;
}

async function value(registry: MetricsRegistry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  type Sample = { labels: Record<string, string | number>; value: number; metricName?: string };
  const samples = (await registry.registry.getMetricsAsJSON()).flatMap((m) => (m.values as Sample[]).map((v) => ({ ...v, name: v.metricName ?? m.name })));
  return samples.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))?.value;
}

describe('IngestMetrics', () => {
  it('counts what the pipeline reports: busy posts, failed flushes, flush times, the queue', async () => {
    const registry = new MetricsRegistry();
    const ingest = fakeIngest();
    const bus = new DomainEventBus();
    const metrics = new IngestMetrics(registry, bus, ingest.service);
    metrics.onModuleInit();

    ingest.emit({ kind: 'refused', reason: 'busy', results: 500 });
    ingest.emit({ kind: 'refused', reason: 'busy', results: 1 });
    ingest.emit({ kind: 'flush_failed', error: new Error('store down') });
    ingest.emit({ kind: 'flushed', stats: { writes: 2, rows: 10, lookedUp: 0, lookupMs: 0, insertMs: 30 } });
    ingest.emit({ kind: 'rejected', reason: 'future', count: 4 });
    ingest.queued = 1234;

    expect(await value(registry, 'netwatcher_ingest_posts_refused_total', { reason: 'busy' })).toBe(2);
    expect(await value(registry, 'netwatcher_ingest_posts_refused_total', { reason: 'empty' })).toBe(0);
    expect(await value(registry, 'netwatcher_store_errors_total', { operation: 'ingest_flush' })).toBe(1);
    expect(await value(registry, 'netwatcher_results_rejected_total', { reason: 'future' })).toBe(4);
    expect(await value(registry, 'netwatcher_ingest_flush_duration_seconds_count')).toBe(1);
    expect(await value(registry, 'netwatcher_ingest_flush_duration_seconds_sum')).toBeCloseTo(0.03);
    expect(await value(registry, 'netwatcher_ingest_queued_results')).toBe(1234);

    metrics.onModuleDestroy();
    ingest.emit({ kind: 'flush_failed', error: new Error('after shutdown') });
    expect(await value(registry, 'netwatcher_store_errors_total', { operation: 'ingest_flush' })).toBe(1);
  });
});
