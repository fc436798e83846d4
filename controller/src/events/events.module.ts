import { Global, Module } from '@nestjs/common';
import { DomainEventBus } from './event-bus';
import { EVENT_TRANSPORT, LocalEventTransport } from './event-transport';

/**
 * Global: every feature publishes and subscribes here. A cross-replica transport replaces the
 * EVENT_TRANSPORT provider and nothing else.
 */
@Global()
@Module({
  providers: [{ provide: EVENT_TRANSPORT, useClass: LocalEventTransport }, DomainEventBus],
  exports: [DomainEventBus],
})
export class EventsModule {}
