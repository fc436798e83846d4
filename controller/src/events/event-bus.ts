import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CROSSES_REPLICAS, type DomainEventName, type DomainEvents } from './domain-events';
import { EVENT_TRANSPORT, LocalEventTransport, type EventEnvelope, type EventTransport } from './event-transport';

export type EventHandler<K extends DomainEventName> = (payload: DomainEvents[K]) => void | Promise<void>;

type AnyHandler = (payload: unknown) => void | Promise<void>;

/**
 * The typed domain-event bus. Publishers emit after their transaction committed, so a handler
 * that reads the database sees the change. Subscribers register with `on(...)` (usually in
 * onModuleInit) and keep the returned function to unregister.
 *
 * A handler that throws or rejects is logged and changes nothing for the publisher or the other
 * handlers: the change it reports has already happened and cannot be undone by a listener.
 */
@Injectable()
export class DomainEventBus {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly handlers = new Map<DomainEventName, Set<AnyHandler>>();
  private readonly transport: EventTransport;

  constructor(@Optional() @Inject(EVENT_TRANSPORT) transport?: EventTransport) {
    this.transport = transport ?? new LocalEventTransport();
    this.transport.listen((envelope) => void this.deliver(envelope));
  }

  on<K extends DomainEventName>(name: K, handler: EventHandler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
    }
    const entry = handler as AnyHandler;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /**
   * Runs every local handler (synchronous ones before this returns) and, for events marked in
   * CROSSES_REPLICAS, hands the event to the transport. The promise settles when the local
   * handlers have; it never rejects. Await it when the caller's answer should follow the
   * handlers' effects; otherwise ignore it with `void`.
   */
  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): Promise<void> {
    const envelope: EventEnvelope<K> = { name, payload };
    if (CROSSES_REPLICAS[name]) {
      try {
        Promise.resolve(this.transport.publish(envelope)).catch((err: unknown) => this.logger.error({ err, event: name }, 'event transport failed'));
      } catch (err) {
        this.logger.error({ err, event: name }, 'event transport failed');
      }
    }
    return this.deliver(envelope);
  }

  private async deliver({ name, payload }: EventEnvelope): Promise<void> {
    const handlers = this.handlers.get(name);
    if (!handlers || handlers.size === 0) return;
    const pending: Promise<void>[] = [];
    for (const handler of [...handlers]) {
      try {
        const result = handler(payload);
        if (result instanceof Promise) pending.push(result.catch((err: unknown) => this.logFailure(name, err)));
      } catch (err) {
        this.logFailure(name, err);
      }
    }
    if (pending.length > 0) await Promise.all(pending);
  }

  private logFailure(name: DomainEventName, err: unknown): void {
    this.logger.error({ err, event: name }, 'event handler failed');
  }
}
