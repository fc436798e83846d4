import { Injectable } from '@nestjs/common';
import { DomainEventBus } from '../events/event-bus';

/**
 * Announces `probe.changed` for agents whose probe set changed, so their new configuration is
 * pushed instead of polled. Callers announce only after their transaction committed: a handler
 * that re-reads the probes must see the new rows. Never throws (the bus logs failing handlers).
 */
@Injectable()
export class ProbeChangePublisher {
  constructor(private readonly events: DomainEventBus) {}

  notify(workspaceId: number, agentId: number): Promise<void> {
    return this.events.emit('probe.changed', { workspaceId, agentId });
  }

  /** Announces each agent once, however many of its probes changed. */
  async notifyAll(workspaceId: number, agentIds: Iterable<number>): Promise<void> {
    await Promise.all([...new Set(agentIds)].map((agentId) => this.notify(workspaceId, agentId)));
  }
}
