import type { DomainEventName, DomainEvents } from './domain-events';

export interface EventEnvelope<K extends DomainEventName = DomainEventName> {
  name: K;
  payload: DomainEvents[K];
}

/**
 * How events marked in CROSSES_REPLICAS reach the other controller replicas. The bus always
 * delivers locally itself; a transport only carries events to and from the OTHER replicas, so
 * swapping it (Socket.IO adapter `serverSideEmit`, PostgreSQL LISTEN/NOTIFY) changes neither
 * publishers nor subscribers. A transport must not echo a replica's own events back to it.
 */
export interface EventTransport {
  /** Sends an event to every other replica. May be asynchronous; failures are the bus's to log. */
  publish(envelope: EventEnvelope): void | Promise<void>;
  /** Called once by the bus: events arriving from other replicas are handed to `deliver`. */
  listen(deliver: (envelope: EventEnvelope) => void): void;
}

export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');

/** One process, no other replicas: nothing to send, nothing to receive. */
export class LocalEventTransport implements EventTransport {
  publish(): void {}

  listen(): void {}
}
