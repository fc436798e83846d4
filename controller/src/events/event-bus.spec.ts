import { Logger } from '@nestjs/common';
import { CROSSES_REPLICAS } from './domain-events';
import { DomainEventBus } from './event-bus';
import type { EventEnvelope, EventTransport } from './event-transport';

/** A transport that records what it was asked to send and lets the test play another replica. */
class RecordingTransport implements EventTransport {
  sent: EventEnvelope[] = [];
  deliver?: (envelope: EventEnvelope) => void;
  publish(envelope: EventEnvelope): void {
    this.sent.push(envelope);
  }
  listen(deliver: (envelope: EventEnvelope) => void): void {
    this.deliver = deliver;
  }
}

describe('DomainEventBus', () => {
  let errors: jest.SpyInstance;
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => errors.mockRestore());

  it('hands each payload to every handler of that event only', async () => {
    const bus = new DomainEventBus();
    const changed: unknown[] = [];
    const created: unknown[] = [];
    bus.on('probe.changed', (c) => void changed.push(c));
    bus.on('probe.changed', (c) => void changed.push({ again: c.agentId }));
    bus.on('agent.created', (a) => void created.push(a));
    await bus.emit('probe.changed', { workspaceId: 1, agentId: 2 });
    expect(changed).toEqual([{ workspaceId: 1, agentId: 2 }, { again: 2 }]);
    expect(created).toEqual([]);
  });

  it('runs synchronous handlers before emit returns', () => {
    const bus = new DomainEventBus();
    const seen: number[] = [];
    bus.on('workspace.deleted', ({ workspaceId }) => void seen.push(workspaceId));
    void bus.emit('workspace.deleted', { workspaceId: 9 });
    expect(seen).toEqual([9]);
  });

  it('settles after asynchronous handlers did', async () => {
    const bus = new DomainEventBus();
    let done = false;
    bus.on('agent.deleted', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      done = true;
    });
    await bus.emit('agent.deleted', { workspaceId: 1, agentId: 1 });
    expect(done).toBe(true);
  });

  it('stops calling a handler once it unsubscribed', async () => {
    const bus = new DomainEventBus();
    const seen: number[] = [];
    const off = bus.on('user.credentials_changed', ({ userId }) => void seen.push(userId));
    await bus.emit('user.credentials_changed', { userId: 1 });
    off();
    await bus.emit('user.credentials_changed', { userId: 2 });
    expect(seen).toEqual([1]);
  });

  it('logs a throwing or rejecting handler and still runs the others; emit never rejects', async () => {
    const bus = new DomainEventBus();
    const seen: string[] = [];
    bus.on('member.changed', () => {
      throw new Error('sync boom');
    });
    bus.on('member.changed', () => Promise.reject(new Error('async boom')));
    bus.on('member.changed', (m) => void seen.push(m.kind));
    await expect(bus.emit('member.changed', { workspaceId: 1, userId: 2, kind: 'removed' })).resolves.toBeUndefined();
    expect(seen).toEqual(['removed']);
    expect(errors).toHaveBeenCalledTimes(2);
  });

  it('sends only the events marked as crossing replicas to the transport', async () => {
    const transport = new RecordingTransport();
    const bus = new DomainEventBus(transport);
    await bus.emit('probe.changed', { workspaceId: 1, agentId: 2 });
    await bus.emit('results.stored', []);
    expect(CROSSES_REPLICAS['results.stored']).toBe(false);
    expect(transport.sent).toEqual([{ name: 'probe.changed', payload: { workspaceId: 1, agentId: 2 } }]);
  });

  it('delivers events from other replicas to local handlers', () => {
    const transport = new RecordingTransport();
    const bus = new DomainEventBus(transport);
    const seen: unknown[] = [];
    bus.on('agent.deleted', (a) => void seen.push(a));
    transport.deliver?.({ name: 'agent.deleted', payload: { workspaceId: 3, agentId: 4 } });
    expect(seen).toEqual([{ workspaceId: 3, agentId: 4 }]);
    expect(transport.sent).toEqual([]);
  });

  it('logs a failing transport without failing the publisher or local delivery', async () => {
    const bus = new DomainEventBus({
      publish: () => Promise.reject(new Error('network down')),
      listen: () => undefined,
    });
    const seen: number[] = [];
    bus.on('probe.changed', (c) => void seen.push(c.agentId));
    await bus.emit('probe.changed', { workspaceId: 1, agentId: 5 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([5]);
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ event: 'probe.changed' }), 'event transport failed');
  });
});
