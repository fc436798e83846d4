import { Logger } from '@nestjs/common';

/**
 * A small typed hook a feature exposes so that another one can watch it (metrics, for one)
 * without the owner importing the watcher. A listener that throws is logged and skipped: being
 * watched must never break the owner's own work.
 */
export class Listeners<T> {
  private readonly listeners = new Set<(event: T) => void>();
  private readonly logger: Logger;

  constructor(owner: string) {
    this.logger = new Logger(owner);
  }

  /** Returns the function that removes the listener again. */
  add(listener: (event: T) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  notify(event: T): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err }, 'listener failed');
      }
    }
  }
}
