import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLoggerInterface } from 'typeorm';

/**
 * TypeORM writes to the console in its own format; this sends migrations, warnings and errors
 * through the app's JSON logger instead. Queries are not logged (they would carry user data).
 */
export class TypeOrmLogger implements TypeOrmLoggerInterface {
  private readonly logger = new NestLogger('Database');

  logQuery(): void {}

  logQueryError(error: string | Error, query: string): void {
    this.logger.error({ err: error instanceof Error ? error.message : error, query }, 'query failed');
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ duration_ms: time, query }, 'slow query');
  }

  /** TypeORM reports migration progress here; only the outcome lines are worth an operator's eye. */
  logSchemaBuild(message: string): void {
    if (/^(Migration .* executed successfully|No migrations are pending|\d+ migrations are new)/.test(message)) {
      this.logger.log({ migrations: true }, message);
    }
  }

  logMigration(message: string): void {
    this.logger.log({ migrations: true }, message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(message);
    else this.logger.log(message);
  }
}
