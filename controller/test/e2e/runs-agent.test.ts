import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunUpdateMessage, SpeedtestUpdateMessage } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { createAgent } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { requireBuild, RunningProcess, startAgentProcess } from '../support/processes';
import { collect, nextEvent, PanelClient, panelSocket } from '../support/sockets';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * "Run now" with the real agent process: a REST call starts a PING (and an MTR) toward loopback
 * at once, the agent measures with the system tools, the panel of a member hears `run_update`
 * up to `completed` with the result ids, the results are stored like any other and GET …/runs
 * returns them. A panel of another workspace hears nothing.
 */
describe('end to end: on-demand runs on the real agent', () => {
  let t: TestApp;
  let owner: TestUser;
  let ws: number;
  let agentId: number;
  let agent: RunningProcess;
  let panel: PanelClient;
  let strangerPanel: PanelClient;
  let updates: RunUpdateMessage[];
  let queueUpdates: SpeedtestUpdateMessage[];
  const leaked: unknown[] = [];
  let dir: string;

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-runs-'));
    t = await startTestApp('postgres');
    const http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    const outsider = await registerUser(http, 'outsider');
    ws = (await createWorkspace(owner)).id;
    const otherWs = (await createWorkspace(outsider)).id;
    const created = await createAgent(owner, ws, { name: 'runs-agent' });
    agentId = created.agent.id;

    panel = panelSocket(t.url, owner.token);
    strangerPanel = panelSocket(t.url, outsider.token);
    for (const [socket, workspace] of [
      [panel, ws],
      [strangerPanel, otherWs],
    ] as const) {
      const subscribed = nextEvent(socket, 'subscribed');
      socket.emit('subscribe', { workspace_id: workspace, probe_id: 0 });
      await subscribed;
    }
    updates = collect<RunUpdateMessage>(panel, 'run_update');
    queueUpdates = collect<SpeedtestUpdateMessage>(panel, 'speedtest_update');
    strangerPanel.on('run_update', (m) => leaked.push(m));
    strangerPanel.on('speedtest_update', (m) => leaked.push(m));

    agent = startAgentProcess({
      controllerUrl: t.url,
      workspaceId: ws,
      agentId,
      pin: created.pin,
      configFile: join(dir, 'agent.json'),
      dataDir: join(dir, 'spool'),
    });
    await waitUntil('the agent online', async () => (await owner.http.get(`/workspaces/${ws}/agents/${agentId}`)).body.online === true, {
      timeoutMs: 60_000,
      diag: () => agent.output(),
    });
  }, 90_000);

  afterAll(async () => {
    panel?.disconnect();
    strangerPanel?.disconnect();
    await agent?.stop();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runToCompletion(body: Record<string, unknown>) {
    const created = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/runs`, body);
    expect(created.status).toBe(201);
    const runId: number = created.body.run_id;
    const done = await waitUntil(
      'run_update completed with result ids',
      () => updates.find((u) => u.run_id === runId && u.status === 'completed' && (u.result_ids?.length ?? 0) > 0),
      { timeoutMs: 60_000, diag: () => agent.output().slice(-3000) },
    );
    const run = await waitUntil(
      'GET run with its stored results',
      async () => {
        const res = await owner.http.get(`/workspaces/${ws}/agents/${agentId}/runs/${runId}`);
        return res.body.results?.length === done.result_ids!.length ? res.body : null;
      },
      { timeoutMs: 30_000 },
    );
    return { runId, done, run };
  }

  it('runs a PING toward loopback now: run_update on the panel, stored row, GET returns it', async () => {
    const { runId, done, run } = await runToCompletion({ type: 'PING', targets: ['127.0.0.1'], count: 3, timeout_sec: 5 });
    expect(done).toMatchObject({ type: 'run_update', workspace_id: ws, agent_id: agentId, status: 'completed' });
    // The panel heard it start before it ended.
    const statuses = updates.filter((u) => u.run_id === runId).map((u) => u.status);
    expect(statuses[0]).toBe('running');
    expect(statuses).toContain('completed');
    expect(run).toMatchObject({ id: runId, status: 'completed', probe_id: null, type: 'PING', error: null });
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ probe_id: 0, agent_id: agentId, type: 'PING', target: '127.0.0.1', loss_pct: 0 });
    expect(run.results[0].payload).toMatchObject({ sent: 3, received: 3 });
    // Stored like any other result, but no probe's: it is not in a probe list.
    const probes = await owner.http.get(`/workspaces/${ws}/agents/${agentId}/probes`);
    expect(probes.body.data.map((p: { type: string }) => p.type)).not.toContain('PING');
  }, 120_000);

  it('runs a configured MTR probe now, ahead of its schedule', async () => {
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'MTR', targets: ['127.0.0.1'], interval_sec: 86_400, count: 2, timeout_sec: 10,
    });
    expect(probe.status).toBe(201);
    const { run } = await runToCompletion({ probe_id: probe.body.id });
    expect(run).toMatchObject({ probe_id: probe.body.id, type: 'MTR', status: 'completed' });
    expect(run.results[0]).toMatchObject({ probe_id: probe.body.id, type: 'MTR', target: '127.0.0.1' });
    expect(run.results[0].payload.hops.length).toBeGreaterThan(0);
  }, 120_000);

  it('sends a SPEEDTEST through the queue: queued → running → an ending the agent reports', async () => {
    const created = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/runs`, { type: 'SPEEDTEST' });
    expect(created.status).toBe(201);
    const queueId: number = created.body.queue_id;
    // Whether this agent version has a SPEEDTEST runner or not, the queue entry ends and says so.
    const ended = await waitUntil('the queue entry ended', () => queueUpdates.find((u) => u.queue_id === queueId && ['completed', 'failed'].includes(u.status)), {
      timeoutMs: 150_000,
    });
    expect(queueUpdates.filter((u) => u.queue_id === queueId).map((u) => u.status)).toEqual(['queued', 'running', ended.status]);
    expect(leaked).toEqual([]);
  }, 180_000);
});
