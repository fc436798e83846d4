import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { NetworkMapUpdateMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import type { LinearTopology } from '../fixtures';
import type { TestUser } from '../support/factories';
import { AgentHostStack, startAgentHostStack } from '../support/netns-stack';
import { collect, nextEvent, panelSocket, PanelClient } from '../support/sockets';

const run = promisify(execFile);

/** A link r1 ── target that the linear topology does not have: the route that bypasses r2. */
const BYPASS = { r1Dev: 'eth2', r1Addr: '10.231.4.1', targetDev: 'eth1', targetAddr: '10.231.4.2' };

/**
 * A real agent runs MTR across namespaces (agent ── r1 ── r2 ── target); the test then gives r1
 * a direct link to the target and moves both directions of the route onto it. The controller
 * must record the route change with the hop that went missing, tell a subscribed panel socket
 * that the map changed, and fire an alert rule on `route_change`.
 */
describe('route change truth on real links', () => {
  let stack: AgentHostStack;
  let topo: LinearTopology;
  let owner: TestUser;
  let ws: number;
  let agentId: number;
  let panel: PanelClient | undefined;

  beforeAll(async () => {
    stack = await startAgentHostStack('routes', []);
    ({ topo, owner, ws, agentId } = stack);
  }, 120_000);

  afterAll(async () => {
    panel?.disconnect();
    await stack?.destroy();
  });

  /** Adds the r1 ── target link and routes agent ⇄ target over it, both ways (no asymmetric return past r2). */
  async function bypassR2(): Promise<void> {
    const ip = (ns: string, ...args: string[]) => run('ip', ['-n', ns, ...args]);
    await ip(topo.ns.r1, 'link', 'add', BYPASS.r1Dev, 'type', 'veth', 'peer', 'name', BYPASS.targetDev, 'netns', topo.ns.target);
    await ip(topo.ns.r1, 'addr', 'add', `${BYPASS.r1Addr}/24`, 'dev', BYPASS.r1Dev);
    await ip(topo.ns.target, 'addr', 'add', `${BYPASS.targetAddr}/24`, 'dev', BYPASS.targetDev);
    await ip(topo.ns.r1, 'link', 'set', BYPASS.r1Dev, 'up');
    await ip(topo.ns.target, 'link', 'set', BYPASS.targetDev, 'up');
    await ip(topo.ns.r1, 'route', 'replace', '10.231.3.0/24', 'via', BYPASS.targetAddr);
    await ip(topo.ns.target, 'route', 'replace', 'default', 'via', BYPASS.r1Addr);
  }

  it('records the swapped route with the right hops, updates a subscribed panel and fires a route_change rule', async () => {
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'MTR', targets: [topo.targetAddress], count: 3, interval_sec: 30, timeout_sec: 25,
    });
    expect(probe.status).toBe(201);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, { name: 'route moved', metric: 'route_change', operator: '>', threshold: 0, probe_id: probe.body.id });
    expect(rule.status).toBe(201);

    // The path history (read from the stored results) shows the first run's path.
    const paths = `/workspaces/${ws}/network-map/paths?probeId=${probe.body.id}&target=${topo.targetAddress}`;
    const [first] = await waitUntil(
      'the first MTR result',
      async () => {
        const res = await owner.http.get(paths);
        return res.body.total > 0 ? (res.body.data as { hops: (string | null)[] }[]) : undefined;
      },
      { timeoutMs: 90_000, everyMs: 1000 },
    );
    expect(first.hops).toEqual(topo.path);

    panel = panelSocket(owner.http.baseUrl, owner.token);
    const subscribed = nextEvent(panel, 'subscribed');
    panel.emit('subscribe', { workspace_id: ws, probe_id: 0 });
    await subscribed;
    const updates = collect<NetworkMapUpdateMessage>(panel, 'network_map_update');

    await bypassR2();
    const [change] = await waitUntil(
      'a recorded route change',
      async () => {
        const res = await owner.http.get(`/workspaces/${ws}/network-map/route-changes?probeId=${probe.body.id}`);
        return res.body.total > 0 ? res.body.data : undefined;
      },
      { timeoutMs: 90_000, everyMs: 1000, diag: () => stack.controller.output().slice(-2000) },
    );
    const [r1, r2, target] = topo.path;
    expect(change).toMatchObject({
      probe_id: probe.body.id,
      agent_id: agentId,
      target: topo.targetAddress,
      kind: 'hop_removed',
      before: { hops: [r1, r2, target] },
      after: { hops: [r1, target] },
      added: [],
      removed: [r2],
    });

    const update = await waitUntil('network_map_update without r2', () => updates.find((u) => !u.nodes.some((n) => (n as { id: string }).id === `hop:${r2}`)), { timeoutMs: 30_000 });
    expect(update.workspace_id).toBe(ws);
    expect(update.nodes.map((n) => (n as { id: string }).id)).toEqual(expect.arrayContaining([`agent:${agentId}`, `hop:${r1}`, `dest:${target}`]));

    const alerts = await waitUntil('the route_change alert', async () => {
      const res = await owner.http.get(`/workspaces/alerts?status=active`);
      return (res.body.data as { metric: string; probe_id: number }[]).find((a) => a.metric === 'route_change' && a.probe_id === probe.body.id);
    });
    expect(alerts).toMatchObject({ value: 1, threshold: 0 });
  }, 240_000);
});
