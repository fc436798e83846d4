import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

/** Says when and why the controller stops, and that it finished stopping (connections closed, queue flushed). */
@Injectable()
export class ShutdownLogger implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Main');
  private startedAt = 0;

  beforeApplicationShutdown(signal?: string): void {
    this.startedAt = Date.now();
    this.logger.log({ signal: signal ?? null }, `shutting down${signal ? ` on ${signal}` : ''}`);
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log({ signal: signal ?? null, duration_ms: Date.now() - this.startedAt }, 'stopped');
  }
}
