import { waitUntil } from '@netwatcher/shared/testing';
import { AgentHostStack, startAgentHostStack } from '../support/netns-stack';

interface AlertBody {
  id: number;
  rule_id: number;
  status: string;
  metric: string;
  value: number;
  threshold: number;
  probe_target: string;
}

/**
 * The real agent pings a target across real links (network namespaces); 50 % loss is injected on
 * the r1 → r2 link. A packet-loss rule fires on the measured loss, and resolves by itself once
 * the loss is removed, with both state changes in the alert's history.
 */
describe('a packet-loss alert on real links', () => {
  let stack: AgentHostStack;

  beforeAll(async () => {
    // nth: exactly every second forwarded packet is dropped, so a 10-packet ping measures 50 %.
    stack = await startAgentHostStack('alert-loss', [{ router: 'r1', toward: 'r2', loss: { percent: 50, mode: 'nth' } }]);
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
  });

  async function alertOfRule(ruleId: number, status: 'active' | 'resolved'): Promise<AlertBody | undefined> {
    const res = await stack.owner.http.get(`/workspaces/alerts?status=${status}`);
    return (res.body.data as AlertBody[]).find((a) => a.rule_id === ruleId);
  }

  it('fires while the link loses packets and resolves when the loss is removed', async () => {
    const { topo, owner, ws, agentId } = stack;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'PING', targets: [topo.targetAddress], count: 10, interval_sec: 5, timeout_sec: 4,
    });
    expect(probe.status).toBe(201);
    const rule = await owner.http.post(`/workspaces/${ws}/alert-rules`, {
      name: 'loss toward the target',
      metric: 'packet_loss',
      operator: '>',
      threshold: 20,
      clear_threshold: 5,
      sustain_count: 2,
      probe_id: probe.body.id,
    });
    expect(rule.status).toBe(201);

    const fired = await waitUntil('the packet-loss alert', () => alertOfRule(rule.body.id, 'active'), { timeoutMs: 60_000, everyMs: 1000 });
    expect(fired).toMatchObject({ metric: 'packet_loss', value: 50, threshold: 20, probe_target: topo.targetAddress });
    expect((await owner.http.get('/workspaces/alerts/count')).body).toEqual({ count: 1 });

    await topo.impair([]);
    const resolved = await waitUntil('the alert to resolve', () => alertOfRule(rule.body.id, 'resolved'), { timeoutMs: 60_000, everyMs: 1000 });
    expect(resolved.id).toBe(fired.id);
    expect((await owner.http.get('/workspaces/alerts/count')).body).toEqual({ count: 0 });
    const history = await owner.http.get(`/alerts/${fired.id}/history`);
    expect(history.body.data.map((h: { kind: string; value: number }) => [h.kind, h.value])).toEqual([
      ['fired', 50],
      ['resolved', 0],
    ]);
  }, 180_000);
});
