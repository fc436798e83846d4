import { BUSY_CODE, type ProbeDataMessage, type ProbePostOk, type SocketErrorMessage } from '@netwatcher/shared';
import { createAgent, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, panelSentinel, panelSocket, PanelClient, pingResult } from './support/sockets';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A controller whose write queue is full refuses posts with `busy` instead of holding them:
 * nothing of a refused post is stored or shown, a re-send is stored once, and the panel sees
 * every result exactly once. The queue bound is 1 result here, so a burst of posts overflows it
 * while the first insert is still running.
 */
describe('ingest under overload (bounded write queue)', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let probeId: number;
  let agent: AgentClient;
  let panel: PanelClient;

  beforeAll(async () => {
    t = await startTestApp('postgres', { INGEST_MAX_QUEUED_RESULTS: '1' });
    const http = new Http(t.url);
    owner = await registerUser(http, 'overload');
    ws = (await createWorkspace(owner)).id;
    const { agent: created, pin } = await createAgent(owner, ws);
    const psk = await enroll(http, ws, created.id, pin);
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.id}/probes`, { type: 'PING', targets: ['127.0.0.1'], count: 4 });
    expect(probe.status).toBe(201);
    probeId = probe.body.id;
    agent = agentSocket(t.url, { workspaceId: ws, agentId: created.id, psk });
    expect(await connectOutcome(agent)).toBe('connected');
    panel = panelSocket(t.url, owner.token);
    expect(await connectOutcome(panel)).toBe('connected');
    const subscribed = nextEvent(panel, 'subscribed');
    panel.emit('subscribe', { workspace_id: ws, probe_id: 0 });
    await subscribed;
  });

  afterAll(async () => {
    agent?.disconnect();
    panel?.disconnect();
    await t?.close();
  });

  it('refuses what it cannot queue, stores the re-sends once, and shows every result once', async () => {
    const results = Array.from({ length: 20 }, () => pingResult(probeId));
    const acks = collect<ProbePostOk>(agent, 'probe_post_ok');
    const errors = collect<SocketErrorMessage>(agent, 'error_message');
    const shown = collect<ProbeDataMessage>(panel, 'probe_data');

    // A burst: one result per post, as 20 agents' posts would arrive.
    for (const r of results) agent.emit('probe_post', r as never);
    await waitUntil('an answer to every post', async () => acks.length + errors.length === results.length, { timeoutMs: 10_000, everyMs: 20 });

    const busy = errors.filter((e) => e.code === BUSY_CODE);
    expect(busy.length).toBe(errors.length);
    expect(busy.length).toBeGreaterThan(0);
    for (const e of busy) {
      expect(e.event).toBe('probe_post');
      expect(e.retry_after_ms).toBeGreaterThanOrEqual(1000);
      expect(e.retry_after_ms).toBeLessThanOrEqual(2000);
    }
    const acked = new Set(acks.flatMap((a) => a.ids));
    expect(acked.size).toBe(results.length - busy.length);
    // Each refusal names its post by the first result id: exactly the posts that were not acked.
    expect(busy.map((e) => e.result_id).sort()).toEqual(results.filter((r) => !acked.has(r.id)).map((r) => r.id).sort());
    expect(await storedIds()).toEqual([...acked].sort());

    // The agent sends again whatever was not acked (its spool keeps it); everything lands once.
    const refused = results.filter((r) => !acked.has(r.id));
    for (const r of refused) {
      const ack = nextEvent<ProbePostOk>(agent, 'probe_post_ok');
      agent.emit('probe_post', r as never);
      expect((await ack).ids).toEqual([r.id]);
    }
    expect(await storedIds()).toEqual(results.map((r) => r.id).sort());
    await waitUntil('every result on the panel', async () => shown.length >= results.length, { timeoutMs: 5_000, everyMs: 20 });
    // Nothing more may follow: a later result reaches the panel after anything still owed.
    const sentinel = await panelSentinel(agent, panel, probeId);
    const beforeSentinel = shown.filter((m) => m.data.id !== sentinel);
    expect(beforeSentinel).toHaveLength(results.length);
    expect(new Set(beforeSentinel.map((m) => m.data.id)).size).toBe(results.length);
  });

  async function storedIds(): Promise<string[]> {
    const res = await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${probeId}&limit=100`);
    expect(res.status).toBe(200);
    return (res.body.data as { id: string }[]).map((d) => d.id).sort();
  }
});
