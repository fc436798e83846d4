import type { Repository } from 'typeorm';
import type { ProbeEntity } from '../probes/probe.entity';
import { AgentProbeIndex, MISS_RELOAD_INTERVAL_MS } from './agent-probe-index.service';

/** The probes table as the index sees it: rows per agent, and a count of queries. */
class FakeProbes {
  rows: { id: number; type: string; agentId: number }[] = [{ id: 1, type: 'PING', agentId: 7 }];
  queries = 0;
  async find(options: { where: { agentId: number } }) {
    this.queries++;
    return this.rows.filter((r) => r.agentId === options.where.agentId);
  }
}

describe('AgentProbeIndex', () => {
  let probes: FakeProbes;
  let index: AgentProbeIndex;
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    probes = new FakeProbes();
    index = new AgentProbeIndex(probes as unknown as Repository<ProbeEntity>);
  });
  afterEach(() => jest.useRealTimers());

  it('answers from memory once loaded', async () => {
    for (let i = 0; i < 5; i++) expect((await index.resolver(1, 7, [1]))(1)).toBe('PING');
    expect(probes.queries).toBe(1);
  });

  it('reloads on a miss, so a probe created elsewhere a moment ago is accepted', async () => {
    await index.resolver(1, 7, [1]);
    probes.rows.push({ id: 2, type: 'MTR', agentId: 7 });
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
    probes.rows.push({ id: 3, type: 'PING', agentId: 7 });
    index.invalidate(7);
    expect((await index.resolver(1, 7, [3]))(3)).toBe('PING');
    expect(probes.queries).toBe(3);
  });
});
