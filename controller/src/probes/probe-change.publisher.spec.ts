import { Logger } from '@nestjs/common';
import { ProbeChange, ProbeChangeNotifier } from './probe-change.notifier';

describe('ProbeChangeNotifier', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('delivers each change to every subscriber', () => {
    const notifier = new ProbeChangeNotifier();
    const a: ProbeChange[] = [];
    const b: ProbeChange[] = [];
    notifier.subscribe((c) => a.push(c));
    notifier.subscribe((c) => b.push(c));
    notifier.notify(1, 10);
    expect(a).toEqual([{ workspaceId: 1, agentId: 10 }]);
    expect(b).toEqual([{ workspaceId: 1, agentId: 10 }]);
  });

  it('stops delivering after unsubscribe', () => {
    const notifier = new ProbeChangeNotifier();
    const seen: ProbeChange[] = [];
    const unsubscribe = notifier.subscribe((c) => seen.push(c));
    notifier.notify(1, 10);
    unsubscribe();
    notifier.notify(1, 11);
    expect(seen).toEqual([{ workspaceId: 1, agentId: 10 }]);
  });

  it('keeps going when a listener throws or rejects', async () => {
    const notifier = new ProbeChangeNotifier();
    const seen: number[] = [];
    notifier.subscribe(() => {
      throw new Error('boom');
    });
    notifier.subscribe((() => Promise.reject(new Error('async boom'))) as unknown as () => void);
    notifier.subscribe((c) => seen.push(c.agentId));
    expect(() => notifier.notify(1, 10)).not.toThrow();
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual([10]);
  });

  it('notifies each agent once in notifyAll', () => {
    const notifier = new ProbeChangeNotifier();
    const seen: number[] = [];
    notifier.subscribe((c) => seen.push(c.agentId));
    notifier.notifyAll(3, [5, 6, 5, 7, 6]);
    expect(seen).toEqual([5, 6, 7]);
  });

  it('does nothing without subscribers', () => {
    expect(() => new ProbeChangeNotifier().notify(1, 1)).not.toThrow();
  });
});
