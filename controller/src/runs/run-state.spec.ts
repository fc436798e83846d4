import { RUN_STATUSES } from '@netwatcher/shared';
import { isFinal, nextStatus, pickDispatchable, type RunEvent } from './run-state';

describe('run state machine', () => {
  it('walks queued → running → completed', () => {
    expect(nextStatus('queued', 'dispatch')).toBe('running');
    expect(nextStatus('running', 'agent_running')).toBe('running');
    expect(nextStatus('running', 'agent_completed')).toBe('completed');
  });

  it('fails or cancels a queued or running entry', () => {
    expect(nextStatus('queued', 'cancel')).toBe('cancelled');
    expect(nextStatus('running', 'cancel')).toBe('cancelled');
    expect(nextStatus('running', 'agent_failed')).toBe('failed');
    expect(nextStatus('running', 'lost')).toBe('failed');
    expect(nextStatus('queued', 'lost')).toBe('failed');
  });

  it('never leaves a final status, whatever arrives late', () => {
    const events: RunEvent[] = ['dispatch', 'agent_running', 'agent_completed', 'agent_failed', 'cancel', 'lost'];
    for (const status of RUN_STATUSES.filter(isFinal)) {
      for (const event of events) expect(nextStatus(status, event)).toBeNull();
    }
    expect(RUN_STATUSES.filter(isFinal)).toEqual(['completed', 'failed', 'cancelled']);
  });

  it('takes no agent verdict for a run that was never sent to it', () => {
    expect(nextStatus('queued', 'agent_completed')).toBeNull();
    expect(nextStatus('queued', 'agent_failed')).toBeNull();
    expect(nextStatus('queued', 'agent_running')).toBeNull();
    expect(nextStatus('running', 'dispatch')).toBeNull();
  });
});

describe('pickDispatchable', () => {
  const online = () => true;

  it('starts at most one entry per agent, oldest first', () => {
    const picked = pickDispatchable(
      [
        { id: 3, agentId: 1 },
        { id: 1, agentId: 1 },
        { id: 2, agentId: 2 },
      ],
      new Set(),
      online,
      10,
    );
    expect(picked).toEqual([
      { id: 1, agentId: 1 },
      { id: 2, agentId: 2 },
    ]);
  });

  it('skips agents already running one, and offline agents', () => {
    const picked = pickDispatchable(
      [
        { id: 1, agentId: 1 },
        { id: 2, agentId: 2 },
        { id: 3, agentId: 3 },
      ],
      new Set([1]),
      (agent) => agent !== 2,
      10,
    );
    expect(picked.map((e) => e.id)).toEqual([3]);
  });

  it('respects the controller cap', () => {
    const waiting = [1, 2, 3, 4].map((id) => ({ id, agentId: id }));
    expect(pickDispatchable(waiting, new Set(), online, 2).map((e) => e.id)).toEqual([1, 2]);
    expect(pickDispatchable(waiting, new Set(), online, 0)).toEqual([]);
  });
});
