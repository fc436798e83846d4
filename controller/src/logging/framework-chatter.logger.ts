import type { LoggerService } from '@nestjs/common';

/**
 * Nest's own start-up narration: one line per module and per route (about a hundred). Useful
 * when debugging wiring, noise otherwise: it pushed the lines an operator needs (where the
 * controller listens, where the admin password is) off the first screen.
 */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'WebSocketsController', 'NestApplication']);

function isFrameworkChatter(params: unknown[]): boolean {
  const context = params[params.length - 1];
  return typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context);
}

/** Passes everything to the app's logger, with Nest's start-up narration moved down to debug. */
export class FrameworkChatterLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    if (isFrameworkChatter(params)) this.inner.debug?.(message, ...params);
    else this.inner.log(message, ...params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...params);
  }
}
