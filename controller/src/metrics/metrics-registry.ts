import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * The registry of this app instance: every metric of metrics/ registers here, never in
 * prom-client's global one, so two apps in one process (the tests) keep separate counts.
 * Process and Node.js runtime metrics (CPU, memory, event-loop lag, GC) come with it.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsRegistry.name);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format; metrics read at scrape time are read now. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Runs a scrape-time read (a database count) so that its failure costs only that metric's
   * freshness: the scrape still answers with the last value, and the log says why.
   */
  async readSafely(what: string, read: () => Promise<void>): Promise<void> {
    try {
      await read();
    } catch (err) {
      this.logger.warn({ err, metric: what }, 'could not read a metric; the last value is reported');
    }
  }
}
