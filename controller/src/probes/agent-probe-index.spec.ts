import type { FindOperator, Repository } from 'typeorm';
import type { AgentDirectory } from '../agents/agent-directory.service';
import { DomainEventBus } from '../events/event-bus';
import type { ProbeEntity } from './probe.entity';
import { AgentProbeIndex, MISS_RELOAD_INTERVAL_MS } from './agent-probe-index.service';

/** The probes table as the index sees it: rows per agent, and a count of queries. */
class FakeProbes {
  rows: { id: number; type: string; agentId: number; workspaceId: number }[] = [{ id: 1, type: 'PING', agentId: 7, workspaceId: 1 }];
  queries = 0;
  /** Agents deleted (or of a deleted workspace): the liveness query leaves them out. */
  dead = new Set<number>();
  /** What AgentDirectory answers about liveness, from the same rows. */
  readonly directory = {
    servingAgentIds: async (ids: readonly number[]) => new Set(ids.filter((id) => !this.dead.has(id))),
  };
  async find(options: { where: { agentId: FindOperator<number[]> } }) {
    this.queries++;
    const ids = options.where.agentId.value as number[];
    return this.rows.filter((r) => ids.includes(r.agentId));
  }
}

describe('AgentProbeIndex', () => {
  let probes: FakeProbes;
  let index: AgentProbeIndex;
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate'] });
    probes = new FakeProbes();
    index = new AgentProbeIndex(probes as unknown as Repository<ProbeEntity>, probes.directory as unknown as AgentDirectory, new DomainEventBus());
  });
  afterEach(() => jest.useRealTimers());

  it('answers from memory once loaded', async () => {
    for (let i = 0; i < 5; i++) expect((await index.resolver(1, 7, [1]))(1)).toBe('PING');
    expect(probes.queries).toBe(1);
  });

  it('refuses an agent deleted (or whose workspace was deleted) since it connected as gone', async () => {
    probes.dead.add(7);
    await expect(index.resolver(1, 7, [1])).rejects.toMatchObject({ code: 'agent_deleted', status: 410 });
  });

  it('reloads on a miss, so a probe created elsewhere a moment ago is accepted', async () => {
    await index.resolver(1, 7, [1]);
    probes.rows.push({ id: 2, type: 'MTR', agentId: 7, workspaceId: 1 });
    expect((await index.resolver(1, 7, [2]))(2)).toBe('MTR');
    expect(probes.queries).toBe(2);
  });

  it('reloads for misses at most once a second per agent', async () => {
    await index.resolver(1, 7, [1]);
    for (let i = 0; i < 50; i++) expect((await index.resolver(1, 7, [999]))(999)).toBeUndefined();
    expect(probes.queries).toBe(2);
    jest.advanceTimersByTime(MISS_RELOAD_INTERVAL_MS);
    await index.resolver(1, 7, [999]);
    expect(probes.queries).toBe(3);
  });

  it('reloads at once after its probes change here (invalidate)', async () => {
    await index.resolver(1, 7, [999]);
    expect(probes.queries).toBe(2); // first load, then the miss
    probes.rows.push({ id: 3, type: 'PING', agentId: 7, workspaceId: 1 });
    index.invalidate(7);
    expect((await index.resolver(1, 7, [3]))(3)).toBe('PING');
    expect(probes.queries).toBe(3);
  });

  it('loads the agents asked for in one turn with one query, each seeing only its own probes', async () => {
    probes.rows.push({ id: 2, type: 'MTR', agentId: 8, workspaceId: 1 }, { id: 3, type: 'PING', agentId: 9, workspaceId: 2 });
    const [a7, a8, a9, wrongWorkspace] = await Promise.all([
      index.resolver(1, 7, [1]),
      index.resolver(1, 8, [2]),
      index.resolver(2, 9, [3]),
      index.resolver(1, 10, []),
    ]);
    expect(probes.queries).toBe(1);
    expect([a7(1), a7(2), a8(2), a8(1), a9(3), wrongWorkspace(3)]).toEqual(['PING', undefined, 'MTR', undefined, 'PING', undefined]);
  });

  it('does not let an agent id paired with another workspace see that agent’s probes', async () => {
    expect((await index.resolver(2, 7, [1]))(1)).toBeUndefined();
  });

  it('fails the waiting posts when the query fails, and loads again on the next one', async () => {
    const find = probes.find.bind(probes);
    probes.find = () => Promise.reject(new Error('database down'));
    await expect(index.resolver(1, 7, [1])).rejects.toThrow('database down');
    probes.find = find;
    expect((await index.resolver(1, 7, [1]))(1)).toBe('PING');
  });
});
