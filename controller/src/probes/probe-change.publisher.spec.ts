import { Logger } from '@nestjs/common';
import type { ProbeChange } from '../events/domain-events';
import { DomainEventBus } from '../events/event-bus';
import { ProbeChangePublisher } from './probe-change.publisher';

describe('ProbeChangePublisher', () => {
  beforeAll(() => Logger.overrideLogger(false));

  function setup(): { bus: DomainEventBus; changes: ProbeChangePublisher } {
    const bus = new DomainEventBus();
    return { bus, changes: new ProbeChangePublisher(bus) };
  }

  it('delivers each change to every subscriber', () => {
    const { bus, changes } = setup();
    const a: ProbeChange[] = [];
    const b: ProbeChange[] = [];
    bus.on('probe.changed', (c) => void a.push(c));
    bus.on('probe.changed', (c) => void b.push(c));
    void changes.notify(1, 10);
    expect(a).toEqual([{ workspaceId: 1, agentId: 10 }]);
    expect(b).toEqual([{ workspaceId: 1, agentId: 10 }]);
  });

  it('stops delivering after unsubscribe', () => {
    const { bus, changes } = setup();
    const seen: ProbeChange[] = [];
    const unsubscribe = bus.on('probe.changed', (c) => void seen.push(c));
    void changes.notify(1, 10);
    unsubscribe();
    void changes.notify(1, 11);
    expect(seen).toEqual([{ workspaceId: 1, agentId: 10 }]);
  });

  it('keeps going when a listener throws or rejects', async () => {
    const { bus, changes } = setup();
    const seen: number[] = [];
    bus.on('probe.changed', () => {
      throw new Error('boom');
    });
    bus.on('probe.changed', () => Promise.reject(new Error('async boom')));
    bus.on('probe.changed', (c) => void seen.push(c.agentId));
    expect(() => void changes.notify(1, 10)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([10]);
  });

  it('notifies each agent once in notifyAll', () => {
    const { bus, changes } = setup();
    const seen: number[] = [];
    bus.on('probe.changed', (c) => void seen.push(c.agentId));
    void changes.notifyAll(3, [5, 6, 5, 7, 6]);
    expect(seen).toEqual([5, 6, 7]);
  });

  it('does nothing without subscribers', () => {
    expect(() => void setup().changes.notify(1, 1)).not.toThrow();
  });
});
