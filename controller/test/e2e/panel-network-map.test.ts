/// <reference lib="dom" />
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { MtrHop, ProbePostOk } from '@netwatcher/shared';
import { writeMmdb } from '../lookups/support/mmdb-writer';
import { createAgent, enroll } from '../support/agents';
import { createWorkspace, registerUser, type TestUser } from '../support/factories';
import { Http } from '../support/http';
import { launchPanelBrowser, preparePanelTest, signIn, watchConsole } from '../support/panel-browser';
import { startControllerProcess, type ControllerProcess } from '../support/processes';
import { agentSocket, connectOutcome, nextEvent, type AgentClient } from '../support/sockets';
import { createTestDatabase } from '../support/test-app';

/**
 * The panel's network map in a real Chromium against the built controller: two agents have stored
 * MTR results (clean an hour ago, losing packets behind a shared router now) through the agent
 * socket; the page draws the layered map, names the shared router in the incident banner, shows a
 * node's owner, the path history of a probe, and redraws when a new MTR result arrives.
 * Screenshots go to controller/test/artifacts/panel/ (gitignored).
 */
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'panel');
const SHARED = '81.2.69.1';
const T1 = '81.2.70.10';
const T2 = '81.2.70.20';

/** Answering hops: [address, loss %, average RTT]. */
function hops(...path: [string, number, number][]): MtrHop[] {
  return path.map(([address, loss, ms], i) => ({ hop: i + 1, address, hostname: null, loss_pct: loss, sent: 10, last_ms: ms, avg_ms: ms, best_ms: ms, worst_ms: ms, stddev_ms: 0.1 }));
}

describe('panel network map', () => {
  let controller: ControllerProcess;
  let dropDb: () => Promise<void>;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let owner: TestUser;
  let ws = 0;
  const agents: { id: number; name: string; socket: AgentClient; probe: number; edge: string }[] = [];
  const problems: string[] = [];
  const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  async function postMtr(a: (typeof agents)[number], createdAt: string, target: string, path: MtrHop[]): Promise<void> {
    const ack = nextEvent<ProbePostOk>(a.socket, 'probe_post_ok');
    a.socket.emit('probe_post', { id: randomUUID(), probe_id: a.probe, type: 'MTR', created_at: createdAt, target, payload: { target, hops: path } } as never);
    expect((await ack).rejected).toEqual([]);
  }

  beforeAll(async () => {
    preparePanelTest(ARTIFACTS);
    dir = mkdtempSync(join(tmpdir(), 'nw-panel-map-'));
    writeMmdb(join(dir, 'asn.mmdb'), {
      databaseType: 'GeoLite2-ASN',
      networks: [['81.2.69.0/24', { autonomous_system_number: 64500, autonomous_system_organization: 'Example Transit' }]],
    });
    const db = await createTestDatabase();
    dropDb = db.drop;
    controller = await startControllerProcess({
      DATA_DIR: join(dir, 'data'), DATABASE_URL: db.url, JWT_SECRET: 'panel-map-test-secret-long-enough', GEOIP_ASN_DB: join(dir, 'asn.mmdb'), PORT: '0',
    });
    const http = new Http(controller.url);
    owner = await registerUser(http, 'owner');
    ws = (await createWorkspace(owner, 'map')).id;
    for (const [name, edge] of [['berlin', '192.168.1.1'], ['paris', '10.0.0.1']]) {
      const created = await createAgent(owner, ws, { name });
      const psk = await enroll(http, ws, created.agent.id, created.pin);
      const socket = agentSocket(controller.url, { workspaceId: ws, agentId: created.agent.id, psk });
      expect(await connectOutcome(socket)).toBe('connected');
      const probe = await owner.http.post(`/workspaces/${ws}/agents/${created.agent.id}/probes`, { type: 'MTR', targets: [T1, T2] });
      expect(probe.status).toBe(201);
      agents.push({ id: created.agent.id, name, socket, probe: probe.body.id, edge });
    }
    // An hour ago every path was clean (the baseline); five minutes ago both agents lose packets
    // behind the shared router towards both targets.
    for (const a of agents) {
      for (const target of [T1, T2]) {
        await postMtr(a, ago(60), target, hops([a.edge, 0, 1], [SHARED, 0, 8], [target, 0, 12]));
        await postMtr(a, ago(5), target, hops([a.edge, 0, 1], [SHARED, 0, 8], [target, 40, 12]));
      }
    }
    ({ context, page } = await launchPanelBrowser(dir));
    watchConsole(page, 'owner', problems);
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) a.socket.close();
    await context?.close();
    await controller?.stop();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in and reaches the map from the workspace navigation', async () => {
    await signIn(page, controller.url, owner.email, 'correct-horse-battery');
    await page.waitForURL(/\/$|\/w\//);
    await page.goto(`${controller.url}/w/${ws}/agents`);
    await page.getByRole('link', { name: 'Network map' }).click();
    await page.waitForURL(new RegExp(`/w/${ws}/network-map$`));
    await page.getByTestId('network-map').waitFor();
  }, 60_000);

  it('draws agents left, the shared hop in the middle and destinations right, with loss-coloured edges', async () => {
    const x = async (id: string) => {
      const t = await page.locator(`[data-node="${id}"]`).getAttribute('transform');
      return Number(t?.match(/translate\(([\d.]+) /)?.[1]);
    };
    const [berlin, paris] = agents;
    expect(await page.locator('[data-node]').count()).toBe(7);
    const columns = await Promise.all([`agent:${berlin.id}`, 'hop:192.168.1.1', `hop:${SHARED}`, `dest:${T1}`].map(x));
    expect(columns).toEqual([...columns].sort((a, b) => a - b));
    expect(new Set(columns).size).toBe(4);
    expect(await x(`agent:${paris.id}`)).toBe(columns[0]);
    expect(await x(`dest:${T2}`)).toBe(columns[3]);
    // Loss shows on the edges into the destinations only.
    const edge = (from: string, to: string) => page.locator(`line[data-from="${from}"][data-to="${to}"]`);
    expect(await edge(`hop:${SHARED}`, `dest:${T1}`).getAttribute('class')).toContain('loss-bad');
    expect(await edge(`hop:192.168.1.1`, `hop:${SHARED}`).getAttribute('class')).toContain('loss-ok');
    expect(await edge(`hop:${SHARED}`, `dest:${T1}`).locator('title').textContent()).toMatch(/81\.2\.69\.1 → 81\.2\.70\.10: \+4\.00 ms, loss 40 %, 2 paths/);
    // The incident names the shared router as suspect on the map too.
    expect(await page.locator(`[data-node="hop:${SHARED}"]`).getAttribute('class')).toContain('suspect');
  });

  it('shows the incident banner naming the shared hop with its AS and the evidence per path', async () => {
    const banner = page.getByTestId('incident');
    expect(await banner.count()).toBe(1);
    expect(await banner.locator('strong').textContent()).toBe(`4 paths (2 probes) from 2 agents lose packets after AS64500 hop ${SHARED}`);
    expect(await banner.textContent()).toContain('AS64500 Example Transit');
    expect(await banner.getByTestId('evidence').count()).toBe(4);
    expect(await banner.getByTestId('evidence').first().textContent()).toMatch(/berlin.*81\.2\.70\.10.*2.*0 %.*40 %.*\(was 0 %\)/);
    await shot('10-network-map');
  });

  it('shows a node’s details (owner, private flag, paths) on click', async () => {
    await page.locator(`[data-node="hop:${SHARED}"]`).click();
    const details = page.getByTestId('node-details');
    await details.waitFor();
    expect(await details.getByTestId('node-asn').textContent()).toBe('AS64500');
    expect(await details.textContent()).toMatch(/Example Transit.*Private\s*no.*Paths through it\s*4/s);
    await page.locator('[data-node="hop:192.168.1.1"]').click();
    expect(await details.textContent()).toMatch(/Private\s*yes/);
  });

  it('lists the path history of a probe and target, from an agent node and from the evidence', async () => {
    const [berlin] = agents;
    await page.locator(`[data-node="agent:${berlin.id}"]`).click();
    await page.getByTestId('node-details').getByRole('button', { name: T2 }).click();
    const history = page.getByTestId('path-history');
    await history.getByText(`192.168.1.1 > ${SHARED} > ${T2}`).waitFor();
    expect(await history.locator('h2').textContent()).toBe(`Paths from berlin to ${T2}`);
    expect(await history.locator('tbody tr td.num').textContent()).toBe('2');
    await page.getByTestId('evidence').nth(2).getByRole('button', { name: 'Path history' }).click();
    await history.getByText(`10.0.0.1 > ${SHARED} > ${T1}`).waitFor();
    await shot('11-network-map-details');
  });

  it('redraws live when a new MTR result arrives (a new hop appears without a reload)', async () => {
    const [, paris] = agents;
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await page.locator('[data-node="hop:81.2.69.7"]').count()).toBe(0);
    await postMtr(paris, new Date().toISOString(), T1, hops([paris.edge, 0, 1], ['81.2.69.7', 0, 9], [T1, 0, 13]));
    await page.locator('[data-node="hop:81.2.69.7"]').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 30_000);

  it('logged no errors in the browser', () => {
    expect(problems).toEqual([]);
  });
});

