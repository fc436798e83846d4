/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { MtrHop, ProbePostOk, SpeedtestPayload } from '@netwatcher/shared';
import { waitUntil } from '@netwatcher/shared/testing';
import { createAgent, enroll } from '../support/agents';
import { createWorkspace, registerUser, type TestUser } from '../support/factories';
import { Http } from '../support/http';
import { launchPanelBrowser, preparePanelTest, signIn, watchConsole } from '../support/panel-browser';
import { startControllerProcess, type ControllerProcess } from '../support/processes';
import { agentSocket, connectOutcome, nextEvent, type AgentClient } from '../support/sockets';
import { createTestDatabase } from '../support/test-app';

/**
 * The panel views of SPEEDTEST, TRAFFICSIM and route changes in a real Chromium against the built
 * controller: stored speed tests (posted through the agent socket) draw the throughput chart and
 * the latest test's figures; TRAFFICSIM server and client probes made in the editor reach the API
 * with their `metadata.trafficsim`, and a bad port shows the API's own message at the field; a
 * route change made by two MTR results with different paths is listed on the network map page.
 * Screenshots go to controller/test/artifacts/panel-probe-views/ (gitignored).
 */
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'panel-probe-views');
/** The API's 400 for the bad port, which the browser logs as a failed resource. */
const EXPECTED_HTTP_ERRORS = /^Failed to load resource: the server responded with a status of 400/;
const PASSWORD = 'correct-horse-battery';
const TARGET = '81.2.69.200';

function speedtest(download: number, upload: number, idle: number, loaded: number): SpeedtestPayload {
  return {
    server: 'http://controller.test/agent/api/speedtest',
    streams: 4,
    duration_ms: 10_000,
    warmup_ms: 2_000,
    download_mbps: download,
    // 8 s at `download` Mbit/s.
    download_bytes: Math.round(download * 1e6),
    download_duration_ms: 8_000,
    upload_mbps: upload,
    upload_bytes: Math.round(upload * 1e6),
    upload_duration_ms: 8_000,
    latency_idle_ms: idle,
    jitter_idle_ms: 0.5,
    latency_download_ms: loaded,
    jitter_download_ms: 3,
    latency_upload_ms: loaded,
    jitter_upload_ms: 3,
    rtt_loaded_min_ms: loaded - 5,
    rtt_loaded_avg_ms: loaded,
    rtt_loaded_max_ms: loaded + 5,
    jitter_loaded_ms: 3.25,
  };
}

function hops(...path: string[]): MtrHop[] {
  return path.map((address, i) => ({ hop: i + 1, address, hostname: null, loss_pct: 0, sent: 5, last_ms: i + 1, avg_ms: i + 1, best_ms: i + 1, worst_ms: i + 1, stddev_ms: 0.1 }));
}

describe('panel probe views: SPEEDTEST throughput, TRAFFICSIM editor, route changes', () => {
  let controller: ControllerProcess;
  let dropDb: () => Promise<void>;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let owner: TestUser;
  let ws = 0;
  const agents: { id: number; name: string; socket: AgentClient }[] = [];
  const problems: string[] = [];
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function post(a: (typeof agents)[number], body: Record<string, unknown>): Promise<void> {
    const ack = nextEvent<ProbePostOk>(a.socket, 'probe_post_ok');
    a.socket.emit('probe_post', { id: randomUUID(), target_agent: 0, ...body } as never);
    expect((await ack).rejected).toEqual([]);
  }

  beforeAll(async () => {
    preparePanelTest(ARTIFACTS);
    dir = mkdtempSync(join(tmpdir(), 'nw-panel-views-'));
    const db = await createTestDatabase();
    dropDb = db.drop;
    controller = await startControllerProcess({ DATA_DIR: join(dir, 'data'), DATABASE_URL: db.url, JWT_SECRET: 'panel-views-secret-long-enough', PORT: '0' });
    const http = new Http(controller.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner, 'views')).id;
    for (const name of ['alpha', 'beta']) {
      const created = await createAgent(owner, ws, { name });
      const psk = await enroll(http, ws, created.agent.id, created.pin);
      const socket = agentSocket(controller.url, { workspaceId: ws, agentId: created.agent.id, psk });
      expect(await connectOutcome(socket)).toBe('connected');
      agents.push({ id: created.agent.id, name, socket });
    }
    ({ context, page } = await launchPanelBrowser(dir));
    watchConsole(page, 'owner', problems, (text) => EXPECTED_HTTP_ERRORS.test(text));
    await signIn(page, controller.url, owner.email, PASSWORD);
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) a.socket.close();
    await context?.close();
    await controller?.stop();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws a SPEEDTEST probe\'s throughput and the latest test\'s figures', async () => {
    const [alpha] = agents;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${alpha.id}/probes`, { type: 'SPEEDTEST', interval_sec: 300 });
    expect(probe.status).toBe(201);
    // An older, slower test, then the latest: the figures must be the latest one's.
    await post(alpha, { probe_id: probe.body.id, type: 'SPEEDTEST', created_at: ago(40), target: '', payload: speedtest(40, 8, 12, 90) });
    await post(alpha, { probe_id: probe.body.id, type: 'SPEEDTEST', created_at: ago(10), target: '', payload: speedtest(93.4, 18.2, 11.5, 64) });
    await waitUntil('both tests stored', async () => (await owner.http.get(`/workspaces/${ws}/probe-data/find?probeId=${probe.body.id}`)).body.total === 2);

    // Reached from the agent page: a SPEEDTEST probe links to its chart.
    await page.goto(`${controller.url}/w/${ws}/agents/${alpha.id}`);
    await page.getByRole('link', { name: 'SPEEDTEST toward this controller' }).click();
    await page.waitForURL(new RegExp(`/probes/${probe.body.id}$`));
    const section = page.getByTestId('throughput');
    await section.getByTestId('speedtest-latest').waitFor();
    expect(await section.getByTestId('st-download').textContent()).toBe('93.4 Mbit/s');
    expect(await section.getByTestId('st-upload').textContent()).toBe('18.2 Mbit/s');
    expect(await section.getByTestId('st-idle').textContent()).toBe('11.5 ms (jitter 0.50 ms)');
    expect(await section.getByTestId('st-loaded').textContent()).toBe('64.0 ms (jitter 3.25 ms)');
    expect(await section.getByTestId('st-bytes').textContent()).toBe('89.1 MB down, 17.4 MB up');
    // Both tests are drawn: two buckets with throughput, as canvas lines with uPlot's legend.
    const chart = section.getByTestId('throughput-chart');
    await waitUntil('the chart drawn', async () => (await chart.getAttribute('data-buckets')) === '2');
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.locator('.u-legend').getByText('download').count()).toBe(1);
    expect(await chart.locator('.u-legend').getByText('upload').count()).toBe(1);
    // A canvas that is blank would pass the above: the lines leave coloured pixels on it.
    const painted = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(100);
    await shot('01-speedtest');
  }, 60_000);

  it('creates a TRAFFICSIM server and a client toward it in the editor, with their metadata.trafficsim', async () => {
    const [alpha, beta] = agents;
    await page.goto(`${controller.url}/w/${ws}/agents/${alpha.id}/probes/new`);
    await page.getByLabel('Type').selectOption('TRAFFICSIM');
    await page.getByLabel('Server (the other agent runs the client)').check();
    await page.getByLabel('UDP port').fill('80');
    await page.getByRole('button', { name: 'Create probe' }).click();
    // The API's message, at the field.
    await page.locator('[data-field-error="port"]').getByText('metadata.trafficsim.port must be a whole number between 1024 and 65535').waitFor();
    expect((await owner.http.get(`/workspaces/${ws}/agents/${alpha.id}/probes`)).body.data.filter((p: { type: string }) => p.type === 'TRAFFICSIM')).toEqual([]);
    await shot('02-trafficsim-bad-port');

    await page.getByLabel('UDP port').fill('40404');
    await page.getByRole('button', { name: 'Create probe' }).click();
    await page.waitForURL(new RegExp(`/w/${ws}/agents/${alpha.id}$`));
    const servers = (await owner.http.get(`/workspaces/${ws}/agents/${alpha.id}/probes`)).body.data.filter((p: { type: string }) => p.type === 'TRAFFICSIM');
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ server: true, targets: [], agent_targets: [], metadata: { trafficsim: { port: 40404 } } });

    await page.goto(`${controller.url}/w/${ws}/agents/${beta.id}/probes/new`);
    await page.getByLabel('Type').selectOption('TRAFFICSIM');
    await page.getByLabel('Peer agent').selectOption({ label: 'alpha' });
    await page.getByLabel('Rate (packets per second)').fill('100');
    await page.getByLabel('Packet size (bytes)').fill('400');
    await page.getByLabel('Duration (seconds)').fill('30');
    await page.getByRole('button', { name: 'Create probe' }).click();
    await page.waitForURL(/\/probes\/\d+$/);
    const clients = (await owner.http.get(`/workspaces/${ws}/agents/${beta.id}/probes`)).body.data.filter((p: { type: string }) => p.type === 'TRAFFICSIM');
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ server: false, targets: [], agent_targets: [alpha.id], duration_sec: 30, metadata: { trafficsim: { rate_pps: 100, packet_size: 400 } } });

    // Editing keeps the role and writes the changed setting back.
    await page.goto(`${controller.url}/w/${ws}/agents/${beta.id}/probes/${clients[0].id}/edit`);
    expect(await page.getByLabel('Rate (packets per second)').inputValue()).toBe('100');
    await page.getByLabel('Peer agent').selectOption({ index: 0 });
    await page.getByLabel('Targets').fill('192.0.2.7:40404');
    await page.getByLabel('Rate (packets per second)').fill('20');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\/probes\/\d+$/);
    const edited = (await owner.http.get(`/workspaces/${ws}/agents/${beta.id}/probes/${clients[0].id}`)).body;
    expect(edited).toMatchObject({ server: false, targets: ['192.0.2.7:40404'], agent_targets: [], metadata: { trafficsim: { rate_pps: 20, packet_size: 400 } } });
    await shot('03-trafficsim-client');
  }, 60_000);

  it('lists a recorded route change on the network map page', async () => {
    const [alpha] = agents;
    const probe = await owner.http.post(`/workspaces/${ws}/agents/${alpha.id}/probes`, { type: 'MTR', targets: [TARGET] });
    expect(probe.status).toBe(201);
    const mtr = (createdAt: string, path: MtrHop[]) => post(alpha, { probe_id: probe.body.id, type: 'MTR', created_at: createdAt, target: TARGET, payload: { target: TARGET, hops: path } });
    await mtr(ago(20), hops('192.168.1.1', '81.2.69.1', TARGET));
    await mtr(ago(15), hops('192.168.1.1', '81.2.69.7', TARGET));
    await waitUntil('the change recorded', async () => (await owner.http.get(`/workspaces/${ws}/network-map/route-changes`)).body.total === 1);

    await page.goto(`${controller.url}/w/${ws}/network-map`);
    const row = page.getByTestId('route-changes').getByTestId('route-change');
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-kind')).toBe('hop_changed');
    expect(await row.getByText('hop changed').count()).toBe(1);
    expect(await row.getByText('alpha').count()).toBe(1);
    expect(await row.getByTestId('route-before').textContent()).toContain(`192.168.1.1 → 81.2.69.1 → ${TARGET}`);
    expect(await row.getByTestId('route-after').textContent()).toContain(`192.168.1.1 → 81.2.69.7 → ${TARGET}`);
    await shot('04-route-changes');
  }, 60_000);

  it('logged no console errors and no page errors', () => {
    expect(problems).toEqual([]);
  });
});
