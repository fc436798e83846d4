import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@netwatcher/shared/testing';
import { canUseNetns } from '../fixtures';
import { createSharedRouterTopology, SHARED_ROUTER, SharedRouterTopology } from '../fixtures/netns/shared-router';
import { createAgent } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { ControllerProcess, requireBuild, RunningProcess, startAgentProcess, startControllerProcess } from '../support/processes';

/** Inside each agent host, the controller answers here (relayed to the test's namespace). */
const INSIDE_PORT = 18080;
const TARGETS = [SHARED_ROUTER.t1, SHARED_ROUTER.t2];

/**
 * Truth for the shared-hop analysis: two real agents in their own namespaces, each behind its own
 * edge router, measure MTR to two destinations through one shared core router. Loss injected on
 * the core's egress must come back from /network-map/incidents as that router's address, with
 * both agents and all four paths behind it, and never as an agent's unshared edge router.
 */
describe('shared-hop root cause on real links', () => {
  let topo: SharedRouterTopology;
  let controller: ControllerProcess;
  const agents: RunningProcess[] = [];
  let dir: string;
  let owner: TestUser;
  let ws: number;
  const probes: number[] = [];

  beforeAll(async () => {
    requireBuild();
    const unusable = await canUseNetns();
    if (unusable) throw new Error(`network namespaces are required for this test: ${unusable}`);
    dir = mkdtempSync(join(tmpdir(), 'nw-sharedhop-'));
    topo = await createSharedRouterTopology();
    controller = await startControllerProcess({ PORT: '0', DATA_DIR: join(dir, 'data'), JWT_SECRET: 'shared-hop-test-secret-0123456789' });
    await topo.reachFrom(['a1', 'a2'], Number(new URL(controller.url).port), INSIDE_PORT);
    owner = await registerUser(new Http(controller.url), 'owner');
    ws = (await createWorkspace(owner)).id;
    for (const host of ['a1', 'a2'] as const) {
      const created = await createAgent(owner, ws, { name: `agent-${host}` });
      agents.push(
        startAgentProcess(
          {
            controllerUrl: `http://127.0.0.1:${INSIDE_PORT}`,
            workspaceId: ws,
            agentId: created.agent.id,
            pin: created.pin,
            configFile: join(dir, `${host}.json`),
            dataDir: join(dir, `${host}-spool`),
          },
          (cmd, args, opts) => topo.spawn(host, cmd, args, opts),
        ),
      );
      const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, {
        type: 'MTR', targets: TARGETS, count: 10, interval_sec: 30, timeout_sec: 25,
      });
      expect([probe.status, probe.body.error]).toEqual([201, undefined]);
      probes.push(probe.body.id);
    }
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) await a.stop();
    await controller?.stop();
    await topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The hop sequences every probe saw to every target since `since` (through the path history:
   * one entry per distinct path), once both agents have measured both targets.
   */
  async function pathsSince(since: Date, timeoutMs: number): Promise<(string | null)[][]> {
    return waitUntil(`MTR results of both agents to both targets since ${since.toISOString()}`, async () => {
      const found: (string | null)[][] = [];
      for (const probe of probes) {
        for (const target of TARGETS) {
          const res = await owner.http.get(`/workspaces/${ws}/network-map/paths?probeId=${probe}&target=${target}&from=${since.toISOString()}`);
          const seen = res.body.data as { hops: (string | null)[] }[] | undefined;
          if (!seen?.length) return undefined;
          found.push(...seen.map((p) => p.hops));
        }
      }
      return found;
    }, { timeoutMs, everyMs: 1000 });
  }

  /** Loss on the map's edges (newest result of each path since `from`), by `from>to` node ids. */
  async function edgeLoss(from: Date): Promise<Map<string, number | null>> {
    const map = await owner.http.get(`/workspaces/${ws}/network-map?from=${from.toISOString()}`);
    expect(map.status).toBe(200);
    return new Map(map.body.edges.map((e: { from: string; to: string; loss_pct: number | null }) => [`${e.from}>${e.to}`, e.loss_pct]));
  }
  const intoCore = (loss: Map<string, number | null>) => [...loss].filter(([k]) => k.endsWith(`>hop:${SHARED_ROUTER.core}`)).map(([, v]) => v);
  const intoTargets = (loss: Map<string, number | null>) => [...loss].filter(([k]) => k.startsWith(`hop:${SHARED_ROUTER.core}>`)).map(([, v]) => v);

  it('finds no incident while the links are clean, and draws the core as one hop of all four paths', async () => {
    const start = new Date(Date.now() - 60_000);
    // Both agents cross their own edge router, then the core (same address from both sides).
    expect(await pathsSince(start, 90_000)).toEqual([
      [SHARED_ROUTER.e1, SHARED_ROUTER.core, SHARED_ROUTER.t1],
      [SHARED_ROUTER.e1, SHARED_ROUTER.core, SHARED_ROUTER.t2],
      [SHARED_ROUTER.e2, SHARED_ROUTER.core, SHARED_ROUTER.t1],
      [SHARED_ROUTER.e2, SHARED_ROUTER.core, SHARED_ROUTER.t2],
    ]);
    const loss = await edgeLoss(start);
    expect(intoTargets(loss)).toEqual([0, 0]);
    const map = await owner.http.get(`/workspaces/${ws}/network-map`);
    expect(map.body.nodes.find((n: { id: string }) => n.id === `hop:${SHARED_ROUTER.core}`)).toMatchObject({ kind: 'hop', paths: 4, private: true });
    const incidents = await owner.http.get(`/workspaces/${ws}/network-map/incidents?from=${start.toISOString()}`);
    expect(incidents.status).toBe(200);
    expect(incidents.body).toEqual({ data: [], total: 0, limit: 0, offset: 0 });
  }, 120_000);

  it('names the shared core router after loss is injected on its egress, not an unshared edge router', async () => {
    await topo.coreLoss({ percent: 50, mode: 'random' });
    // A run that finishes 15 s after the rules went in started after them (10 cycles ≈ 11 s):
    // the window holds only results measured through the loss; the clean ones are its baseline.
    const since = new Date(Date.now() + 15_000);
    await pathsSince(since, 150_000);
    // What the agents measured: clean up to the core, loss from the destinations on.
    const loss = await edgeLoss(since);
    expect(intoCore(loss)).toEqual([0, 0]);
    const lossToTargets = intoTargets(loss);
    expect(lossToTargets).toHaveLength(2);
    for (const l of lossToTargets) expect(l).toBeGreaterThan(0);
    const res = await owner.http.get(`/workspaces/${ws}/network-map/incidents?from=${since.toISOString()}`);
    expect(res.status).toBe(200);
    const ips = res.body.data.map((i: { hop: { ip: string } }) => i.hop.ip);
    expect(ips).not.toContain(SHARED_ROUTER.e1);
    expect(ips).not.toContain(SHARED_ROUTER.e2);
    expect(res.body.total).toBe(1);
    const [incident] = res.body.data;
    expect(incident).toMatchObject({
      kind: 'loss',
      scope: 'hop',
      hop: { ip: SHARED_ROUTER.core, private: true, asn: null },
      addresses: [SHARED_ROUTER.core],
      paths: 4,
      probes: 2,
      agents: 2,
      targets: 2,
      degraded_paths: 4,
      confidence: 1,
      summary: `4 paths (2 probes) from 2 agents lose packets after hop ${SHARED_ROUTER.core}`,
    });
    // Per path: the core sits at hop 2, clean there, lossy at the destination, clean before.
    for (const e of incident.evidence) {
      expect(e).toMatchObject({ hop: 2, loss_before_pct: 0, baseline_loss_pct: 0 });
      expect(e.loss_after_pct).toBeGreaterThan(0);
    }
  }, 200_000);
});
