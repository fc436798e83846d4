import type { ProbePostOk, RunStart, RunUpdateMessage, SpeedtestUpdateMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { RunsService } from '../src/runs/runs.service';
import { SpeedtestQueue } from '../src/runs/speedtest-queue.service';
import { createAgent, db, enroll } from './support/agents';
import { createWorkspace, registerUser, TestUser } from './support/factories';
import { Http } from './support/http';
import { agentSocket, AgentClient, collect, connectOutcome, nextEvent, panelSocket, PanelClient, pingResult } from './support/sockets';
import { describeOnEachDatabase, startTestApp, TestApp } from './support/test-app';
import { addMember, expectError } from './support/workspace-members';

/**
 * On-demand runs and the speed-test queue, driven through REST with agents that are real
 * Socket.IO clients speaking the agent protocol (they answer run_start as the test says), and a
 * member's panel socket that must see every change in order while an outsider's sees nothing.
 */
describeOnEachDatabase('runs and the speed-test queue', (mode) => {
  let t: TestApp;
  let owner: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let ws: number;
  let otherWs: number;
  const agents: Array<{ id: number; socket: AgentClient; starts: RunStart[]; cancels: number[] }> = [];
  let offlineAgent: number;
  let panel: PanelClient;
  let strangerPanel: PanelClient;
  let updates: SpeedtestUpdateMessage[];
  let runUpdates: RunUpdateMessage[];
  let leaked: unknown[];
  const sockets: Array<AgentClient | PanelClient> = [];

  const runsOf = (agentId: number) => `/workspaces/${ws}/agents/${agentId}/runs`;
  const speedtest = (agentId: number) => owner.http.post(runsOf(agentId), { type: 'SPEEDTEST' });
  const queue = async (query = '') => (await owner.http.get(`/workspaces/${ws}/speedtest-queue${query}`)).body;
  const countRuns = async () => Number((await db(t).query('SELECT count(*)::int AS n FROM probe_runs'))[0].n);
  const statusesOf = (queueId: number) => updates.filter((u) => u.queue_id === queueId).map((u) => u.status);

  async function connectAgent(created: { agent: { id: number }; pin: string }) {
    const psk = await enroll(new Http(t.url), ws, created.agent.id, created.pin);
    const socket = agentSocket(t.url, { workspaceId: ws, agentId: created.agent.id, psk });
    sockets.push(socket);
    const entry = { id: created.agent.id, socket, starts: collect<RunStart>(socket, 'run_start'), cancels: [] as number[] };
    socket.on('run_cancel', (m) => entry.cancels.push(m.run_id));
    expect(await connectOutcome(socket)).toBe('connected');
    return entry;
  }

  /** Waits until every queued speed test the test made has ended, so each test starts from an idle queue. */
  async function drain(): Promise<void> {
    for (const entry of (await queue('?limit=200')).data) {
      if (entry.status === 'queued' || entry.status === 'running') {
        expect((await owner.http.post(`/workspaces/${ws}/speedtest-queue/${entry.id}/cancel`)).status).toBe(200);
      }
    }
  }

  beforeAll(async () => {
    t = await startTestApp(mode, { SPEEDTEST_MAX_RUNNING: '2', RUNS_MAX_PER_AGENT: '2', RUNS_MAX_PER_WORKSPACE: '5' });
    const http = new Http(t.url);
    [owner, viewer, outsider] = await Promise.all([registerUser(http, 'owner'), registerUser(http, 'viewer'), registerUser(http, 'outsider')]);
    ws = (await createWorkspace(owner)).id;
    otherWs = (await createWorkspace(outsider)).id;
    await addMember(owner, ws, viewer, 'VIEWER');
    for (let i = 0; i < 3; i++) agents.push(await connectAgent(await createAgent(owner, ws)));
    offlineAgent = (await createAgent(owner, ws)).agent.id;

    panel = panelSocket(t.url, viewer.token);
    strangerPanel = panelSocket(t.url, outsider.token);
    sockets.push(panel, strangerPanel);
    const subscribed = nextEvent(panel, 'subscribed');
    panel.emit('subscribe', { workspace_id: ws, probe_id: 0 });
    await subscribed;
    const strangerSubscribed = nextEvent(strangerPanel, 'subscribed');
    strangerPanel.emit('subscribe', { workspace_id: otherWs, probe_id: 0 });
    await strangerSubscribed;
    updates = collect<SpeedtestUpdateMessage>(panel, 'speedtest_update');
    runUpdates = collect<RunUpdateMessage>(panel, 'run_update');
    leaked = [];
    strangerPanel.on('speedtest_update', (m) => leaked.push(m));
    strangerPanel.on('run_update', (m) => leaked.push(m));
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t?.close();
  });

  afterEach(async () => {
    await drain();
  });

  it('runs one speed test per agent at a time; the panel sees queued → running → completed', async () => {
    const [a] = agents;
    const first = await speedtest(a.id);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ run_id: expect.any(Number), status: 'queued', queue_id: expect.any(Number) });
    const second = await speedtest(a.id);
    expect(second.status).toBe(201);

    const start = await waitUntil('run_start of the first', () => a.starts.find((s) => s.run_id === first.body.run_id));
    expect(start).toMatchObject({ queue_id: first.body.queue_id, probe: { id: 0, type: 'SPEEDTEST' } });
    // The second waits while the first holds the agent, however often the dispatcher looks.
    await waitUntil('the first running in the queue list', async () => (await queue(`?agent_id=${a.id}&status=running`)).total === 1);
    expect((await queue(`?agent_id=${a.id}&status=queued`)).data.map((e: { id: number }) => e.id)).toEqual([second.body.queue_id]);
    expect(a.starts.some((s) => s.run_id === second.body.run_id)).toBe(false);

    a.socket.emit('run_status', { run_id: first.body.run_id, status: 'running' });
    a.socket.emit('run_status', { run_id: first.body.run_id, status: 'completed', result_ids: [] });
    await waitUntil('run_start of the second', () => a.starts.find((s) => s.run_id === second.body.run_id));
    expect(statusesOf(first.body.queue_id)).toEqual(['queued', 'running', 'completed']);
    const run = await owner.http.get(`${runsOf(a.id)}/${first.body.run_id}`);
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ id: first.body.run_id, status: 'completed', queue_id: first.body.queue_id, type: 'SPEEDTEST', probe_id: null, origin: 'on_demand' });
    expect(run.body.finished_at).not.toBeNull();
    expect(runUpdates.filter((u) => u.run_id === first.body.run_id).map((u) => u.status)).toEqual(['queued', 'running', 'completed']);
  });

  it('caps running speed tests across the controller (SPEEDTEST_MAX_RUNNING=2)', async () => {
    for (const a of agents) expect((await speedtest(a.id)).status).toBe(201);
    await waitUntil('two started', async () => (await queue('?status=running')).total === 2);
    // More rounds of the dispatcher change nothing: the cap holds.
    const dispatcher = t.app.get(SpeedtestQueue);
    for (let i = 0; i < 3; i++) {
      dispatcher.kick();
      await dispatcher.settled();
    }
    expect((await queue('?status=running')).total).toBe(2);
    const waiting = (await queue('?status=queued')).data;
    expect(waiting).toHaveLength(1);
    const waitingAgent = agents.find((a) => a.id === waiting[0].agent_id)!;
    const runningOne = (await queue('?status=running')).data[0];
    const runningAgent = agents.find((a) => a.id === runningOne.agent_id)!;
    runningAgent.socket.emit('run_status', { run_id: runningOne.run_id, status: 'failed', error: 'no server' });
    await waitUntil('the third started once a slot freed', () => waitingAgent.starts.find((s) => s.run_id === waiting[0].run_id));
    const failed = await owner.http.get(`${runsOf(runningAgent.id)}/${runningOne.run_id}`);
    expect(failed.body).toMatchObject({ status: 'failed', error: 'no server' });
  });

  it('cancels a queued entry and a running one (which the agent is told to stop); a final one is 409', async () => {
    const [a] = agents;
    const running = (await speedtest(a.id)).body;
    const queued = (await speedtest(a.id)).body;
    await waitUntil('first started', () => a.starts.find((s) => s.run_id === running.run_id));

    const cancelQueued = await owner.http.post(`/workspaces/${ws}/speedtest-queue/${queued.queue_id}/cancel`);
    expect(cancelQueued.status).toBe(200);
    expect(cancelQueued.body).toMatchObject({ id: queued.queue_id, status: 'cancelled', run_id: queued.run_id });
    expectError(await owner.http.post(`/workspaces/${ws}/speedtest-queue/${queued.queue_id}/cancel`), 409, 'not_cancellable');

    const cancelRunning = await owner.http.post(`/workspaces/${ws}/speedtest-queue/${running.queue_id}/cancel`);
    expect(cancelRunning.body.status).toBe('cancelled');
    await waitUntil('run_cancel reached the agent', () => a.cancels.includes(running.run_id));
    // The agent's late verdict does not revive a cancelled run.
    a.socket.emit('run_status', { run_id: running.run_id, status: 'completed', result_ids: [] });
    await waitUntil('cancelled stays', async () => (await owner.http.get(`${runsOf(a.id)}/${running.run_id}`)).body.status === 'cancelled');
    expect(statusesOf(queued.queue_id)).toEqual(['queued', 'cancelled']);
    expect(statusesOf(running.queue_id)).toEqual(['queued', 'running', 'cancelled']);
    // Never started: the cancelled queued one was never sent to the agent.
    expect(a.starts.some((s) => s.run_id === queued.run_id)).toBe(false);
  });

  it('fails a running speed test whose agent disconnects', async () => {
    const created = await createAgent(owner, ws);
    const b = await connectAgent(created);
    const run = (await speedtest(b.id)).body;
    await waitUntil('started', () => b.starts.find((s) => s.run_id === run.run_id));
    b.socket.disconnect();
    await waitUntil('failed after the disconnect', async () => (await owner.http.get(`${runsOf(b.id)}/${run.run_id}`)).body.status === 'failed');
    expect(statusesOf(run.queue_id)).toEqual(['queued', 'running', 'failed']);
  });

  it('runs a PING now: run_start, results with run_id stored and tied to the run, run_update with their ids', async () => {
    const [, a] = agents;
    const created = await owner.http.post(runsOf(a.id), { type: 'PING', targets: ['127.0.0.1'], count: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ run_id: expect.any(Number), status: 'running', queue_id: null });
    const runId = created.body.run_id;
    const start = await waitUntil('run_start', () => a.starts.find((s) => s.run_id === runId));
    expect(start.probe).toMatchObject({ id: 0, type: 'PING', targets: ['127.0.0.1'], count: 2 });

    const result = { ...pingResult(0, { run_id: runId }), run_id: runId };
    const ack = nextEvent<ProbePostOk>(a.socket, 'probe_post_ok');
    a.socket.emit('probe_post', result as never);
    expect(await ack).toEqual({ ids: [result.id], rejected: [] });
    a.socket.emit('run_status', { run_id: runId, status: 'completed', result_ids: [result.id] });

    const withResult = await waitUntil('the run with its stored result', async () => {
      const got = await owner.http.get(`${runsOf(a.id)}/${runId}`);
      return got.body.status === 'completed' && got.body.results.length === 1 ? got.body : null;
    });
    expect(withResult).toMatchObject({ probe_id: null, queue_id: null, result_ids: [result.id], probe: { type: 'PING', targets: ['127.0.0.1'] } });
    expect(withResult.results[0]).toMatchObject({ id: result.id, probe_id: 0, agent_id: a.id, type: 'PING' });
    await waitUntil('run_update naming the result', () => runUpdates.find((u) => u.run_id === runId && u.result_ids?.includes(result.id)));

    // A result naming another agent's run, or probe 0 without a run, is refused.
    const foreign = { ...pingResult(0), run_id: runId };
    const noRun = pingResult(0);
    const refused = nextEvent<ProbePostOk>(agents[2].socket, 'probe_post_ok');
    agents[2].socket.emit('probe_post', [foreign, noRun] as never);
    expect((await refused).rejected).toEqual([
      { id: foreign.id, error: `run ${runId} does not belong to this agent` },
      { id: noRun.id, error: expect.stringMatching(/probe_id 0/) },
    ]);
  });

  it('runs a configured probe by id; its results keep their probe id', async () => {
    const [, a] = agents;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${a.id}/probes`, { type: 'PING', targets: ['127.0.0.2'], enabled: false });
    expect(probe.status).toBe(201);
    const created = await owner.http.post(runsOf(a.id), { probe_id: probe.body.id });
    expect(created.status).toBe(201);
    const start = await waitUntil('run_start', () => a.starts.find((s) => s.run_id === created.body.run_id));
    expect(start.probe).toMatchObject({ id: probe.body.id, targets: ['127.0.0.2'] });
    a.socket.emit('run_status', { run_id: created.body.run_id, status: 'completed', result_ids: [] });
    await waitUntil('completed', async () => (await owner.http.get(`${runsOf(a.id)}/${created.body.run_id}`)).body.status === 'completed');
    expect((await owner.http.get(`${runsOf(a.id)}/${created.body.run_id}`)).body.probe_id).toBe(probe.body.id);
  });

  it('refuses bad input with the documented errors and stores nothing', async () => {
    const [a] = agents;
    const before = await countRuns();
    expectError(await owner.http.post(runsOf(a.id), { type: 'PING', targets: ['not a host!'] }), 400, 'invalid_probe');
    expectError(await owner.http.post(runsOf(a.id), { type: 'NOPE' }), 400, 'invalid_probe');
    expectError(await owner.http.post(runsOf(a.id), {}), 400, 'invalid_run');
    expectError(await owner.http.post(runsOf(a.id), { probe_id: 1, type: 'PING' }), 400, 'invalid_run');
    expectError(await owner.http.post(runsOf(a.id), { type: 'PING', targets: ['127.0.0.1'], count: 'many' }), 400);
    expectError(await owner.http.post(runsOf(a.id), { probe_id: 999_999 }), 404);
    const offline = await owner.http.post(runsOf(offlineAgent), { type: 'PING', targets: ['127.0.0.1'] });
    expectError(offline, 409, 'agent_offline', new RegExp(`agent ${offlineAgent} is offline \\(never connected\\)`));
    expectError(await owner.http.get(`${runsOf(a.id)}/999999`), 404);
    expectError(await owner.http.get(`${runsOf(a.id)}/abc`), 400, 'invalid_id');
    expectError(await owner.http.get(`/workspaces/${ws}/speedtest-queue?status=done`), 400);
    expectError(await owner.http.post(`/workspaces/${ws}/speedtest-queue/999999/cancel`), 404);
    expect(await countRuns()).toBe(before);
  });

  it('bounds runs per agent and per workspace with 429', async () => {
    const [a, b, c] = agents;
    const ping = { type: 'PING', targets: ['127.0.0.1'] };
    const made: Array<{ agent: (typeof agents)[number]; runId: number }> = [];
    for (const agent of [a, a]) made.push({ agent, runId: (await owner.http.post(runsOf(agent.id), ping)).body.run_id });
    const before = await countRuns();
    expectError(await owner.http.post(runsOf(a.id), ping), 429, 'too_many_runs', /agent .* already has 2 runs/);
    for (const agent of [b, b, c]) {
      const res = await owner.http.post(runsOf(agent.id), ping);
      expect(res.status).toBe(201);
      made.push({ agent, runId: res.body.run_id });
    }
    expectError(await owner.http.post(runsOf(c.id), ping), 429, 'too_many_runs', /workspace already has 5 runs/);
    expect(await countRuns()).toBe(before + 3);
    // Finished runs free their places.
    for (const { agent, runId } of made) agent.socket.emit('run_status', { run_id: runId, status: 'failed', error: 'test' });
    await waitUntil('places freed', async () => (await owner.http.post(runsOf(c.id), ping)).status === 201);
  });

  it('lets a viewer read but not start or cancel; outsiders get 404 and no events', async () => {
    const [a] = agents;
    const run = (await speedtest(a.id)).body;
    expect((await viewer.http.get(`${runsOf(a.id)}/${run.run_id}`)).status).toBe(200);
    expect((await viewer.http.get(`/workspaces/${ws}/speedtest-queue`)).status).toBe(200);
    expectError(await viewer.http.post(runsOf(a.id), { type: 'PING', targets: ['127.0.0.1'] }), 403);
    expectError(await viewer.http.post(`/workspaces/${ws}/speedtest-queue/${run.queue_id}/cancel`), 403);
    expectError(await outsider.http.get(`${runsOf(a.id)}/${run.run_id}`), 404);
    expectError(await outsider.http.post(runsOf(a.id), { type: 'PING', targets: ['127.0.0.1'] }), 404);
    expectError(await outsider.http.get(`/workspaces/${ws}/speedtest-queue`), 404);
    expectError(await outsider.http.post(`/workspaces/${ws}/speedtest-queue/${run.queue_id}/cancel`), 404);
    // Another workspace's path does not reach this workspace's run or entry either.
    expectError(await outsider.http.get(`/workspaces/${otherWs}/agents/${a.id}/runs/${run.run_id}`), 404);
    expectError(await outsider.http.post(`/workspaces/${otherWs}/speedtest-queue/${run.queue_id}/cancel`), 404);
    expect(leaked).toEqual([]);
    expect(updates.length).toBeGreaterThan(0);
  });

  it('enqueues a scheduled SPEEDTEST probe once per interval, not twice while one waits', async () => {
    const [, , c] = agents;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${c.id}/probes`, { type: 'SPEEDTEST', targets: [] });
    expect(probe.status).toBe(201);
    const q = t.app.get(SpeedtestQueue);
    // Twice in a row (and the periodic round may run too): one entry, since one waits already.
    await Promise.all([q.enqueueDue(), q.enqueueDue()]);
    await q.enqueueDue();
    const entries = (await queue(`?agent_id=${c.id}`)).data.filter((e: { probe_id: number | null }) => e.probe_id === probe.body.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ source: 'scheduled' });
    await waitUntil('the scheduled one started', () => c.starts.find((s) => s.run_id === entries[0].run_id));
    expect(c.starts.find((s) => s.run_id === entries[0].run_id)!.probe).toMatchObject({ id: probe.body.id, type: 'SPEEDTEST' });
    await owner.http.delete(`/workspaces/${ws}/agents/${c.id}/probes/${probe.body.id}`);
  });

  it('ends what a deleted agent had queued or running', async () => {
    const d = await connectAgent(await createAgent(owner, ws));
    const running = (await speedtest(d.id)).body;
    const queued = (await speedtest(d.id)).body;
    await waitUntil('the first started', () => d.starts.find((s) => s.run_id === running.run_id));
    expect((await owner.http.delete(`/workspaces/${ws}/agents/${d.id}`)).status).toBe(204);
    await waitUntil('both ended', () => statusesOf(queued.queue_id).includes('failed') && statusesOf(running.queue_id).includes('failed'));
    const entries = (await queue(`?agent_id=${d.id}`)).data;
    expect(entries.find((e: { id: number }) => e.id === queued.queue_id)).toMatchObject({ status: 'failed', error: 'the agent was deleted' });
    // Deleting drops its socket too: the running one ends by whichever came first.
    expect(entries.find((e: { id: number }) => e.id === running.queue_id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^the agent (was deleted|disconnected while the run was running)$/),
    });
  });

  it('fails a running run its agent never finished once its time budget is spent', async () => {
    const [, a] = agents;
    const created = (await owner.http.post(runsOf(a.id), { type: 'PING', targets: ['127.0.0.1'], timeout_sec: 1 })).body;
    await waitUntil('run_start', () => a.starts.find((s) => s.run_id === created.run_id));
    const [{ budget }] = await db(t).query(`SELECT extract(epoch FROM deadline_at - started_at)::int AS budget FROM probe_runs WHERE id = $1`, [created.run_id]);
    // One step of a 1 s timeout plus its slack: 1 s + 3 s + 30 s.
    expect(Number(budget)).toBe(34);
    // The agent stays silent; the budget is moved into the past instead of waiting it out.
    await db(t).query(`UPDATE probe_runs SET deadline_at = now() - interval '1 second' WHERE id = $1`, [created.run_id]);
    expect(await t.app.get(RunsService).sweepOverdue()).toBeGreaterThanOrEqual(1);
    const run = await owner.http.get(`${runsOf(a.id)}/${created.run_id}`);
    expect(run.body).toMatchObject({ status: 'failed', error: 'the run did not finish in time' });
    await waitUntil('run_update failed', () => runUpdates.find((u) => u.run_id === created.run_id && u.status === 'failed'));
  });
});
