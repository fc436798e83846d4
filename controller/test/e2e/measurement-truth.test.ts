import { waitUntil } from '@netwatcher/shared/testing';
import type { LinearTopology } from '../fixtures';
import { AgentHostStack, startAgentHostStack } from '../support/netns-stack';
import type { TestUser } from '../support/factories';

const ONE_WAY_DELAY_MS = 40;

/**
 * Real links, real tools, real processes: an agent host, two routers and a target in network
 * namespaces; delay and loss injected on the r1 → r2 link; the controller (embedded storage) and
 * the agent both run on the agent host. The stored measurements must report what was injected.
 */
describe('measurement truth on real links', () => {
  let stack: AgentHostStack;
  let topo: LinearTopology;
  let owner: TestUser;
  let ws: number;
  let agentId: number;

  beforeAll(async () => {
    stack = await startAgentHostStack('truth', [{ router: 'r1', toward: 'r2', delayMs: ONE_WAY_DELAY_MS, loss: { percent: 10, mode: 'nth' } }]);
    ({ topo, owner, ws, agentId } = stack);
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
  });

  async function firstResult(probeId: number, timeoutMs: number) {
    return waitUntil(`a result of probe ${probeId}`, async () => {
      const res = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${probeId}/data?limit=1`);
      return res.body.data?.[0];
    }, { timeoutMs, everyMs: 1000 });
  }

  it('PING reports the injected delay and exactly the injected loss', async () => {
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'PING', targets: [topo.targetAddress], count: 20, interval_sec: 60, timeout_sec: 40,
    });
    expect(probe.status).toBe(201);
    const result = await firstResult(probe.body.id, 90_000);
    // Deterministic drop of every 10th packet forwarded r1 → r2: 2 of 20 echo requests.
    expect(result.payload).toMatchObject({ sent: 20, received: 18, loss_pct: 10 });
    // The delay holds packets one way only, so the round trip grows by the one-way figure.
    expect(result.rtt_min_ms).toBeGreaterThanOrEqual(ONE_WAY_DELAY_MS);
    expect(result.rtt_avg_ms).toBeGreaterThanOrEqual(ONE_WAY_DELAY_MS);
    expect(result.rtt_avg_ms).toBeLessThan(ONE_WAY_DELAY_MS + 5);
    expect(result.payload.rtts_ms.filter((r: number | null) => r === null)).toHaveLength(2);
    await owner.http.patch(`/workspaces/${ws}/agents/${agentId}/probes/${probe.body.id}`, { enabled: false });
  }, 120_000);

  it('MTR puts the loss and the delay on the right hop', async () => {
    await topo.impair([{ router: 'r1', toward: 'r2', delayMs: 20, loss: { percent: 50, mode: 'random' } }]);
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'MTR', targets: [topo.targetAddress], count: 20, interval_sec: 120, timeout_sec: 90,
    });
    expect(probe.status).toBe(201);
    const result = await firstResult(probe.body.id, 150_000);
    const hops = result.payload.hops as Array<{ hop: number; address: string | null; loss_pct: number; avg_ms: number | null }>;
    expect(hops.map((h) => h.address)).toEqual(topo.path);
    // r1 answers from before the impaired link: no loss, sub-millisecond.
    expect(hops[0].loss_pct).toBe(0);
    expect(hops[0].avg_ms).toBeLessThan(5);
    // Everything past r1 → r2 sees the random 50 % loss and the 20 ms hold.
    for (const hop of hops.slice(1)) {
      expect(hop.loss_pct).toBeGreaterThanOrEqual(15);
      expect(hop.loss_pct).toBeLessThanOrEqual(85);
      expect(hop.avg_ms).toBeGreaterThanOrEqual(20);
      expect(hop.avg_ms).toBeLessThan(30);
    }
    // The typed end-to-end columns come from the last hop.
    expect(result.loss_pct).toBe(hops[hops.length - 1].loss_pct);
  }, 200_000);
});
