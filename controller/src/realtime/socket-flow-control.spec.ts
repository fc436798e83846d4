import { SocketFlowControl } from './socket-flow-control';

describe('SocketFlowControl', () => {
  it('admits a burst, then refuses, telling the client at most once a second', () => {
    const flow = new SocketFlowControl({ burst: 3, perMinute: 60 });
    const now = Date.now();
    expect([1, 2, 3].map(() => flow.admit('s', now).allowed)).toEqual([true, true, true]);
    const refusals = [1, 2, 3, 4].map(() => flow.admit('s', now));
    expect(refusals.map((r) => r.allowed)).toEqual([false, false, false, false]);
    expect(refusals.map((r) => (r.allowed ? null : r.notify))).toEqual([true, false, false, false]);
    expect(flow.admit('other', now).allowed).toBe(true);
  });

  it('folds calls arriving during a run into one more run', async () => {
    const flow = new SocketFlowControl();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const task = async (): Promise<void> => {
      runs++;
      if (runs === 1) await gate;
    };
    const leader = flow.coalesce('k', task);
    const followers = Array.from({ length: 1000 }, () => flow.coalesce('k', task));
    await Promise.all(followers);
    expect(runs).toBe(1);
    release();
    await leader;
    expect(runs).toBe(2);
    await flow.coalesce('k', task);
    expect(runs).toBe(3);
  });

  it('hands a failure to the caller that started the run and stays usable', async () => {
    const flow = new SocketFlowControl();
    await expect(flow.coalesce('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    let ran = false;
    await flow.coalesce('k', async () => void (ran = true));
    expect(ran).toBe(true);
  });
});
