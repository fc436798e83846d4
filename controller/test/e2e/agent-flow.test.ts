import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProbeDataMessage, SocketErrorMessage } from '@netwatcher/shared';
import { createAgent } from '../support/agents';
import { createWorkspace, registerUser, TestUser } from '../support/factories';
import { Http } from '../support/http';
import { waitUntil } from '@netwatcher/shared/testing';
import { requireBuild, RunningProcess, startAgentProcess } from '../support/processes';
import { collect, nextEvent, PanelClient, panelSocket } from '../support/sockets';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The whole path with real parts: a user sets up a workspace and an agent, the real agent
 * process enrolls with the PIN, runs a real ping, and the result reaches every probe-data
 * endpoint and a subscribed panel, while a user of another workspace sees nothing.
 */
describe('end to end: enrollment to live data', () => {
  let t: TestApp;
  let owner: TestUser;
  let outsider: TestUser;
  let ws: number;
  let agentId: number;
  let pingProbe: number;
  let twinProbe: number;
  let agent: RunningProcess;
  let panel: PanelClient;
  let strangerPanel: PanelClient;
  let dir: string;
  let panelMessages: ProbeDataMessage[];
  let leaked: ProbeDataMessage[];

  // Generous waits: on a loaded 2-core CI machine an agent's first measurement can take a while.
  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'nw-e2e-'));
    t = await startTestApp('postgres');
    const http = new Http(t.url);
    owner = await registerUser(http, 'owner');
    outsider = await registerUser(http, 'outsider');
    ws = (await createWorkspace(owner)).id;
    await createWorkspace(outsider);
    const created = await createAgent(owner, ws, { name: 'e2e-agent' });
    agentId = created.agent.id;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, {
      type: 'PING', targets: ['127.0.0.1'], interval_sec: 5, timeout_sec: 5, count: 3,
    });
    expect(probe.status).toBe(201);
    pingProbe = probe.body.id;
    // A second probe toward the same target, for "similar".
    twinProbe = (await owner.http.post(`/workspaces/${ws}/agents/${agentId}/probes`, { type: 'PING', targets: ['127.0.0.1'], interval_sec: 3600 })).body.id;

    panel = panelSocket(t.url, owner.token);
    strangerPanel = panelSocket(t.url, outsider.token);
    const subscribed = nextEvent(panel, 'subscribed');
    panel.emit('subscribe', { workspace_id: ws, probe_id: 0 });
    await subscribed;
    panelMessages = collect<ProbeDataMessage>(panel, 'probe_data');
    leaked = collect<ProbeDataMessage>(strangerPanel, 'probe_data');

    agent = startAgentProcess({
      controllerUrl: t.url,
      workspaceId: ws,
      agentId,
      pin: created.pin,
      configFile: join(dir, 'agent.json'),
      dataDir: join(dir, 'spool'),
    });
  });

  afterAll(async () => {
    panel?.disconnect();
    strangerPanel?.disconnect();
    await agent?.stop();
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('enrolls with the PIN and keeps the PSK in a 0600 config file', async () => {
    const config = await waitUntil('the agent config file', async () => {
      try {
        return JSON.parse(readFileSync(join(dir, 'agent.json'), 'utf8')) as { psk?: string };
      } catch {
        return undefined;
      }
    }, { timeoutMs: 60_000 });
    expect(config.psk).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, 'agent.json')).mode & 0o777).toBe(0o600);
    expect(agent.output()).not.toContain(config.psk);
    const row = await owner.http.get(`/workspaces/${ws}/agents/${agentId}`);
    expect(row.body.initialized).toBe(true);
  }, 90_000);

  it('stores real ping results visible through every probe-data endpoint', async () => {
    const found = await waitUntil('a stored PING result', async () => {
      const res = await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${pingProbe}&type=PING`);
      return res.body.data.length >= 1 ? res.body : undefined; // the count is a second query
    }, { timeoutMs: 90_000 });
    const first = found.data[0];
    expect(first).toMatchObject({ workspace_id: ws, probe_id: pingProbe, agent_id: agentId, type: 'PING', target: '127.0.0.1' });
    expect(first.payload).toMatchObject({ sent: 3, received: 3, loss_pct: 0 });
    expect(first.rtt_avg_ms).toBeGreaterThan(0);
    expect(first.rtt_avg_ms).toBeLessThan(50);
    expect(first.payload.rtts_ms).toHaveLength(3);

    const series = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${pingProbe}/data?asc=true`);
    expect(series.status).toBe(200);
    expect(series.body.data.map((r: { id: string }) => r.id)).toContain(first.id);

    const latest = await owner.http.get(`/workspaces/${ws}/probe-data/latest?type=PING&agentId=${agentId}&probeId=${pingProbe}`);
    expect(latest.status).toBe(200);
    expect(latest.body.probe_id).toBe(pingProbe);

    const byTarget = await owner.http.get(`/workspaces/${ws}/probe-data/by-target/data?target=127.0.0.1&latestOnly=true`);
    expect(byTarget.body.data.map((r: { probe_id: number }) => r.probe_id)).toContain(pingProbe);

    const similar = await owner.http.get(`/workspaces/${ws}/probe-data/probes/${pingProbe}/similar?latest=true`);
    expect(similar.status).toBe(200);
    expect(similar.body.data.map((s: { probe: { id: number } }) => s.probe.id)).toEqual([twinProbe]);
  }, 120_000);

  it('pushes each stored result to the subscribed panel', async () => {
    const message = await waitUntil('probe_data on the panel', async () => panelMessages.find((m) => m.probe_id === pingProbe), { timeoutMs: 10_000 });
    expect(message).toMatchObject({ type: 'probe_data', workspace_id: ws, agent_id: agentId, probe_type: 'PING' });
    expect(message.data.type).toBe('PING');
  });

  it('shows none of it to a user of another workspace', async () => {
    for (const path of [
      `/workspaces/${ws}/probe-data/find`,
      `/workspaces/${ws}/probe-data/probes/${pingProbe}/data`,
      `/workspaces/${ws}/probe-data/latest?type=PING&agentId=${agentId}`,
      `/workspaces/${ws}/probe-data/by-target/data?target=127.0.0.1`,
      `/workspaces/${ws}/probe-data/probes/${pingProbe}/similar`,
      `/workspaces/${ws}/agents/${agentId}`,
    ]) {
      const res = await outsider.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const refused = nextEvent<SocketErrorMessage>(strangerPanel, 'error_message');
    strangerPanel.emit('subscribe', { workspace_id: ws, probe_id: 0 });
    expect((await refused).code).toBe('not_found');
    expect(leaked).toHaveLength(0);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await agent.stop('SIGTERM', 15_000)).toBe(0);
  });
});
