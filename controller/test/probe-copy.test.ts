import { AgentsService } from '../src/agents/agents.service';
import { CreateAgentDto } from '../src/agents/dto/agent.dto';
import { PageQueryDto } from '../src/common/pagination';
import type { ProbeChange } from '../src/events/domain-events';
import { CopyProbesDto, CreateProbeDto } from '../src/probes/dto/probe.dto';
import { ProbeCopyService } from '../src/probes/probe-copy.service';
import { ProbesModule } from '../src/probes/probes.module';
import { ProbesService } from '../src/probes/probes.service';
import { countProbes, probeRows } from './support/agents';
import { asResponse, seedMember, seedUser, seedWorkspace, ServiceTier, startServiceTier, validated } from './support/service-tier';
import { describeOnEachDatabase } from './support/test-app';
import { expectError } from './support/workspace-members';

// Service tier: ProbeCopyService and the probes and agents it works on, on PostgreSQL or PGlite,
// no HTTP. Bodies go through the app's validation pipe and answers are shaped as the route's
// (asResponse), so the assertions are those of the HTTP version. The route's authentication and
// cross-workspace answers are in cross-workspace.test.ts.

/** The settings that make a probe what it is: everything but ids, owner and timestamps. */
function settings(p: any) {
  return {
    type: p.type,
    enabled: p.enabled,
    interval_sec: p.interval_sec,
    timeout_sec: p.timeout_sec,
    count: p.count,
    duration_sec: p.duration_sec,
    server: p.server,
    targets: p.targets,
    agent_targets: p.agent_targets,
    labels: p.labels,
    metadata: p.metadata,
  };
}

describeOnEachDatabase('probe copy', (mode) => {
  let t: ServiceTier;
  /** User ids: one workspace with a member of every role, and an outsider who owns a second one. */
  let f: { owner: number; admin: number; user: number; outsider: number; ws: number; otherWs: number };

  beforeAll(async () => {
    t = await startServiceTier(mode, [ProbesModule], { timeSeries: true });
    const [owner, admin, user, outsider] = [await seedUser(t.db, 'owner'), await seedUser(t.db, 'admin'), await seedUser(t.db, 'user'), await seedUser(t.db, 'outsider')];
    const ws = await seedWorkspace(t.db, owner, 'agents');
    const otherWs = await seedWorkspace(t.db, outsider, 'other');
    await seedMember(t.db, ws, admin, 'ADMIN');
    await seedMember(t.db, ws, user, 'USER');
    f = { owner, admin, user, outsider, ws, otherWs };
  });
  afterAll(async () => {
    await t?.close();
  });

  const createAgent = async (by: number, ws: number): Promise<number> =>
    (await t.get(AgentsService).create(by, ws, await validated(CreateAgentDto, { name: `agent-${Math.random().toString(36).slice(2, 8)}` }, 'body'))).agent.id;
  const deleteAgent = (by: number, agentId: number) => asResponse(() => t.get(AgentsService).remove(by, f.ws, agentId), 204);
  const newAgent = (): Promise<number> => createAgent(f.user, f.ws);
  const probe = async (agentId: number, body: Record<string, unknown>): Promise<any> => {
    const res = await asResponse(async () => t.get(ProbesService).create(f.user, f.ws, agentId, await validated(CreateProbeDto, body, 'body')), 201);
    if (res.status !== 201) throw new Error(`create probe failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** POST …/agents/:source/probes/copy as `by`. */
  const copy = (source: number, body: Record<string, unknown>, by = f.user) =>
    asResponse(async () => t.get(ProbeCopyService).copy(by, f.ws, source, await validated(CopyProbesDto, body, 'body')));
  const list = async (agentId: number): Promise<any[]> =>
    (await asResponse(async () => t.get(ProbesService).list(f.user, f.ws, agentId, await validated(PageQueryDto, 'limit=200')))).body.data;

  it('copies every probe to every destination with fresh ids, skipping the defaults they already have', async () => {
    const [src, d1, d2] = [await newAgent(), await newAgent(), await newAgent()];
    const ping = await probe(src, { type: 'PING', targets: ['8.8.8.8'], labels: { team: 'noc' }, interval_sec: 30, count: 10 });
    const mtr = await probe(src, { type: 'MTR', targets: ['1.1.1.1'], enabled: false });
    const defaults = (await list(src)).filter((p) => p.type === 'NETINFO' || p.type === 'SYSINFO');

    const seen: ProbeChange[] = [];
    const off = t.bus.on('probe.changed', (c) => void seen.push(c));
    const res = await copy(src, { source_agent_id: src, workspace_id: f.ws, dest_agent_ids: [d1, d2, d1] }).finally(off);

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 4, skipped: 4, errors: 0 });
    expect(res.body.results).toHaveLength(8);
    for (const dest of [d1, d2]) {
      for (const d of defaults) {
        expect(res.body.results).toContainEqual({ source_probe_id: d.id, dest_agent_id: dest, skipped: true, skip_reason: 'duplicate exists' });
      }
      const destProbes = await list(dest);
      for (const original of [ping, mtr]) {
        const entry = res.body.results.find((r: any) => r.source_probe_id === original.id && r.dest_agent_id === dest);
        expect(entry).toEqual({ source_probe_id: original.id, dest_agent_id: dest, new_probe_id: expect.any(Number) });
        const copied = destProbes.find((p) => p.id === entry.new_probe_id);
        expect(copied).toBeDefined();
        expect(copied.id).not.toBe(original.id);
        expect(copied.agent_id).toBe(dest);
        expect(copied.reverse_of_probe_id).toBeNull();
        expect(settings(copied)).toEqual(settings(original));
      }
      expect(destProbes).toHaveLength(4);
    }
    expect(seen.map((s) => s.agentId).sort()).toEqual([d1, d2].sort());
    expect(await list(src)).toHaveLength(4);
  });

  it('skips the source as a destination and an AGENT probe that would target its destination', async () => {
    const [src, peer, other] = [await newAgent(), await newAgent(), await newAgent()];
    const agentProbe = await probe(src, { type: 'AGENT', agent_targets: [peer] });
    const res = await copy(src, { dest_agent_ids: [src, peer, other], probe_types: ['AGENT'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      created: 1,
      skipped: 2,
      errors: 0,
      results: [
        { source_probe_id: agentProbe.id, dest_agent_id: src, skipped: true, skip_reason: 'destination is the source agent' },
        { source_probe_id: agentProbe.id, dest_agent_id: peer, skipped: true, skip_reason: 'would target itself' },
        { source_probe_id: agentProbe.id, dest_agent_id: other, new_probe_id: expect.any(Number) },
      ],
    });
    expect((await list(other)).find((p) => p.type === 'AGENT').agent_targets).toEqual([peer]);
    expect((await list(peer)).filter((p) => p.type === 'AGENT')).toEqual([]);
  });

  it('turns a deleted, unknown or foreign destination into error entries and still copies to the rest', async () => {
    const [src, good, doomed] = [await newAgent(), await newAgent(), await newAgent()];
    const foreign = await createAgent(f.outsider, f.otherWs);
    const ping = await probe(src, { type: 'PING', targets: ['8.8.8.8'] });
    expect((await deleteAgent(f.admin, doomed)).status).toBe(204);
    const foreignBefore = await probeRows(t, foreign);

    const res = await copy(src, { dest_agent_ids: [doomed, foreign, 2_000_000_000, good], probe_ids: [ping.id] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, skipped: 0, errors: 3 });
    for (const dest of [doomed, foreign, 2_000_000_000]) {
      expect(res.body.results).toContainEqual({ source_probe_id: ping.id, dest_agent_id: dest, error: 'destination agent not found in this workspace' });
    }
    expect(res.body.results).toContainEqual({ source_probe_id: ping.id, dest_agent_id: good, new_probe_id: expect.any(Number) });
    expect(await probeRows(t, foreign)).toEqual(foreignBefore);
    expect((await probeRows(t, doomed)).map((p) => p.type)).toEqual(['NETINFO', 'SYSINFO']);
  });

  it('copies only the probe_ids given, and 404s a probe id of another agent without writing anything', async () => {
    const [src, other, dest] = [await newAgent(), await newAgent(), await newAgent()];
    const wanted = await probe(src, { type: 'PING', targets: ['8.8.8.8'] });
    await probe(src, { type: 'PING', targets: ['9.9.9.9'] });
    const notSources = await probe(other, { type: 'PING', targets: ['7.7.7.7'] });

    const res = await copy(src, { dest_agent_ids: [dest], probe_ids: [wanted.id] });
    expect(res.body).toEqual({
      created: 1,
      skipped: 0,
      errors: 0,
      results: [{ source_probe_id: wanted.id, dest_agent_id: dest, new_probe_id: expect.any(Number) }],
    });

    const before = await countProbes(t, f.ws);
    expectError(await copy(src, { dest_agent_ids: [dest], probe_ids: [wanted.id, notSources.id] }), 404, 'not_found', new RegExp(`probe ${notSources.id}`));
    expect(await countProbes(t, f.ws)).toBe(before);
  });

  it('filters by probe_types', async () => {
    const [src, dest] = [await newAgent(), await newAgent()];
    await probe(src, { type: 'PING', targets: ['8.8.8.8'] });
    const mtr = await probe(src, { type: 'MTR', targets: ['8.8.8.8'] });
    const res = await copy(src, { dest_agent_ids: [dest], probe_types: ['MTR', 'SPEEDTEST'] });
    expect(res.body).toEqual({
      created: 1,
      skipped: 0,
      errors: 0,
      results: [{ source_probe_id: mtr.id, dest_agent_id: dest, new_probe_id: expect.any(Number) }],
    });
  });

  it('skips a probe the destination already has (same type and targets, any order) unless skip_duplicates is false', async () => {
    const [src, dest] = [await newAgent(), await newAgent()];
    const ping = await probe(src, { type: 'PING', targets: ['8.8.8.8', 'dns.example'] });
    await probe(dest, { type: 'PING', targets: ['DNS.example', '8.8.8.8'], interval_sec: 300 });

    const skipped = await copy(src, { dest_agent_ids: [dest], probe_ids: [ping.id] });
    expect(skipped.body).toEqual({
      created: 0,
      skipped: 1,
      errors: 0,
      results: [{ source_probe_id: ping.id, dest_agent_id: dest, skipped: true, skip_reason: 'duplicate exists' }],
    });
    const forced = await copy(src, { dest_agent_ids: [dest], probe_ids: [ping.id], skip_duplicates: false });
    expect(forced.body).toMatchObject({ created: 1, skipped: 0, errors: 0 });
    expect((await list(dest)).filter((p) => p.type === 'PING')).toHaveLength(2);
  });

  it('with match_targets gives each destination the return path of the AGENT probes that target it', async () => {
    const [src, b, c, d] = [await newAgent(), await newAgent(), await newAgent(), await newAgent()];
    await probe(src, { type: 'PING', targets: ['8.8.8.8'] });
    const toB = await probe(src, { type: 'AGENT', agent_targets: [b], interval_sec: 90, labels: { path: 'wan' } });
    const toBC = await probe(src, { type: 'AGENT', agent_targets: [b, c] });

    const res = await copy(src, { dest_agent_ids: [b, c, d], match_targets: true });
    expect(res.status).toBe(200);
    // b gets one return path (the second would be identical), c one, d none: nothing targets d.
    expect(res.body).toEqual({
      created: 2,
      skipped: 1,
      errors: 0,
      results: [
        { source_probe_id: toB.id, dest_agent_id: b, new_probe_id: expect.any(Number) },
        { source_probe_id: toBC.id, dest_agent_id: b, skipped: true, skip_reason: 'duplicate exists' },
        { source_probe_id: toBC.id, dest_agent_id: c, new_probe_id: expect.any(Number) },
      ],
    });
    const backFromB = (await list(b)).find((p) => p.id === res.body.results[0].new_probe_id);
    expect(backFromB).toMatchObject({ type: 'AGENT', agent_id: b, agent_targets: [src], reverse_of_probe_id: toB.id, interval_sec: 90, labels: { path: 'wan' } });
    const backFromC = (await list(c)).find((p) => p.id === res.body.results[2].new_probe_id);
    expect(backFromC).toMatchObject({ type: 'AGENT', agent_targets: [src], reverse_of_probe_id: toBC.id });
    expect((await list(d)).map((p) => p.type)).toEqual(['NETINFO', 'SYSINFO']);

    // Running it again finds the return paths in place.
    const again = await copy(src, { dest_agent_ids: [b, c, d], match_targets: true });
    expect(again.body).toMatchObject({ created: 0, skipped: 3, errors: 0 });
  });

  describe('validation', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['no dest_agent_ids', {}, 'validation_failed', /dest_agent_ids/],
      ['empty dest_agent_ids', { dest_agent_ids: [] }, 'validation_failed', /at least one agent/],
      ['101 destinations', { dest_agent_ids: Array.from({ length: 101 }, (_, i) => i + 1) }, 'validation_failed', /at most 100/],
      ['a non-id destination', { dest_agent_ids: ['x'] }, 'validation_failed', /positive agent ids/],
      ['an unknown probe type', { dest_agent_ids: [1], probe_types: ['HTTP'] }, 'validation_failed', /probe_types entries must be one of/],
      ['a string flag', { dest_agent_ids: [1], match_targets: 'yes' }, 'validation_failed', /match_targets must be true or false/],
      ['an unknown field', { dest_agent_ids: [1], bidirectional: true }, 'validation_failed', /bidirectional: unknown field/],
    ])('refuses %s with 400', async (_name, body, code, message) => {
      const src = await newAgent();
      const before = await countProbes(t, f.ws);
      expectError(await copy(src, body), 400, code, message);
      expect(await countProbes(t, f.ws)).toBe(before);
    });

    it('refuses a source_agent_id or workspace_id that differs from the path', async () => {
      const [src, other] = [await newAgent(), await newAgent()];
      expectError(await copy(src, { source_agent_id: other, dest_agent_ids: [other] }), 400, 'path_mismatch', /source_agent_id/);
      expectError(await copy(src, { workspace_id: f.otherWs, dest_agent_ids: [other] }), 400, 'path_mismatch', /workspace_id/);
    });

    it('answers 404 for a deleted or foreign source agent', async () => {
      const [src, dest] = [await newAgent(), await newAgent()];
      const foreign = await createAgent(f.outsider, f.otherWs);
      expect((await deleteAgent(f.admin, src)).status).toBe(204);
      expectError(await copy(src, { dest_agent_ids: [dest] }), 404, 'not_found', /agent not found/);
      expectError(await copy(foreign, { dest_agent_ids: [dest] }), 404, 'not_found');
      expectError(await copy(dest, { dest_agent_ids: [foreign] }, f.outsider), 404, 'not_found');
    });
  });
});
