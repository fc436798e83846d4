/// <reference lib="dom" />
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitUntil } from '@netwatcher/shared/testing';
import { launchPanelBrowser, preparePanelTest, signIn, watchConsole } from '../support/panel-browser';
import { RunningProcess, startAgentProcess, startControllerProcess, type ControllerProcess } from '../support/processes';
import { createTestDatabase } from '../support/test-app';

/**
 * "Run now" and the speed-test queue in a real Chromium against the built controller and a
 * real agent on loopback: the owner runs a PING from the agent page and watches it go from
 * running to its result without a reload; a speed test waits in the queue page behind the one
 * the agent is running and is cancelled there; an outsider sees none of it.
 * Screenshots go to controller/test/artifacts/panel-runs/ (gitignored).
 */
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'panel-runs');
/** Failed API calls the steps cause on purpose (the offline agent's 409, the outsider's 404s). */
const EXPECTED_HTTP_ERRORS = /^Failed to load resource: the server responded with a status of (404|409)/;
const PASSWORD = 'correct-horse-battery';

async function api<T = any>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

describe('browser panel: run now and the speed-test queue', () => {
  let controller: ControllerProcess;
  let dropDb: () => Promise<void>;
  let agent: RunningProcess;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const problems: string[] = [];
  let ws = 0;
  let agentId = 0;
  let ownerEmail = '';
  let token = '';

  const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const watch = (p: Page, who: string) => watchConsole(p, who, problems, (text) => EXPECTED_HTTP_ERRORS.test(text));

  beforeAll(async () => {
    preparePanelTest(ARTIFACTS);
    dir = mkdtempSync(join(tmpdir(), 'nw-panel-runs-'));
    const db = await createTestDatabase();
    dropDb = db.drop;
    controller = await startControllerProcess({ DATA_DIR: join(dir, 'data'), DATABASE_URL: db.url, JWT_SECRET: 'panel-runs-secret-long-enough', PORT: '0' });

    // The setting-up is not what this test is about: it goes through the API.
    ownerEmail = `owner-${Date.now()}@example.test`;
    const registered = await api(controller.url, 'POST', '/auth/register', { email: ownerEmail, password: PASSWORD, name: 'owner' });
    expect(registered.status).toBe(201);
    token = registered.body.token;
    ws = (await api(controller.url, 'POST', '/workspaces', { name: 'Runs' }, token)).body.id;
    const created = await api(controller.url, 'POST', `/workspaces/${ws}/agents`, { name: 'runner' }, token);
    agentId = created.body.agent.id;
    agent = startAgentProcess({
      controllerUrl: controller.url,
      workspaceId: ws,
      agentId,
      pin: created.body.pin,
      configFile: join(dir, 'agent.json'),
      dataDir: join(dir, 'spool'),
    });
    await waitUntil('the agent online', async () => (await api(controller.url, 'GET', `/workspaces/${ws}/agents/${agentId}`, undefined, token)).body.online === true, {
      timeoutMs: 60_000,
      diag: () => agent.output(),
    });

    ({ context, page } = await launchPanelBrowser(dir));
    watch(page, 'owner');
    await signIn(page, controller.url, ownerEmail, PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await agent?.stop();
    await controller?.stop();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a PING from the agent page and shows its result as it arrives', async () => {
    await page.goto(`${controller.url}/w/${ws}/agents/${agentId}`);
    const form = page.getByTestId('run-now');
    await form.waitFor();
    await form.getByLabel('Type').selectOption('PING');
    await form.getByLabel('Target').fill('127.0.0.1');
    await form.getByRole('button', { name: 'Run now' }).click();
    await page.getByTestId('run-status').getByText(/Run \d+: (running|completed)/).waitFor();
    await page.getByTestId('run-status').getByText(/: completed/).waitFor({ timeout: 60_000 });
    await page.getByTestId('run-results').getByText(/127\.0\.0\.1: loss 0 %, average [\d.]+ ms/).waitFor({ timeout: 30_000 });
    await shot(page, '01-run-now-ping');
    // An ad-hoc run adds no probe to the agent's list.
    expect(await page.getByText('This agent has no probes.').count()).toBe(0);
  });

  it('shows an offline agent\'s refusal where the run was asked for', async () => {
    const offline = await api(controller.url, 'POST', `/workspaces/${ws}/agents`, { name: 'sleeper' }, token);
    await page.goto(`${controller.url}/w/${ws}/agents/${offline.body.agent.id}`);
    const form = page.getByTestId('run-now');
    await form.getByLabel('Target').fill('127.0.0.1');
    await form.getByRole('button', { name: 'Run now' }).click();
    await form.getByRole('alert').getByText(/is offline \(never connected\)/).waitFor();
    await shot(page, '02-run-now-offline');
  });

  it('lists speed tests live on the queue page and cancels one waiting there', async () => {
    await page.goto(`${controller.url}/w/${ws}/speedtests`);
    await page.getByText('No speed tests yet.').waitFor();
    // A scheduled speed test of an agent that never connected is enqueued and waits: cancelled here.
    const sleeper = await api(controller.url, 'POST', `/workspaces/${ws}/agents`, { name: 'waiting-agent' }, token);
    const probe = await api(controller.url, 'POST', `/workspaces/${ws}/agents/${sleeper.body.agent.id}/probes`, { type: 'SPEEDTEST' }, token);
    expect(probe.status).toBe(201);
    const waiting = page.locator('tr', { hasText: 'waiting-agent' });
    await waiting.getByTestId('queue-status').getByText('queued').waitFor({ timeout: 30_000 });
    expect(await waiting.getByText('scheduled').count()).toBe(1);
    await shot(page, '03-speedtest-queue-waiting');
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await waiting.getByTestId('queue-status').getByText('cancelled').waitFor();
    expect(await waiting.getByRole('button', { name: 'Cancel' }).count()).toBe(0);

    // One for the connected agent goes queued → running → an ending (this agent version may have
    // no speed-test runner, then it fails and says why): the page follows without a reload.
    const run = await api(controller.url, 'POST', `/workspaces/${ws}/agents/${agentId}/runs`, { type: 'SPEEDTEST' }, token);
    expect(run.status).toBe(201);
    await page
      .locator(`[data-queue="${run.body.queue_id}"]`)
      .getByTestId('queue-status')
      .getByText(/^(completed|failed)/)
      .waitFor({ timeout: 150_000 });
    await shot(page, '04-speedtest-queue-ended');
  }, 180_000);

  it('shows none of it to a user who is not a member', async () => {
    const other = await context.newPage();
    watch(other, 'outsider');
    const email = `outsider-${Date.now()}@example.test`;
    expect((await api(controller.url, 'POST', '/auth/register', { email, password: PASSWORD })).status).toBe(201);
    // A fresh tab shares the browser profile but not the owner's session (sessionStorage is per tab).
    await signIn(other, controller.url, email, PASSWORD);
    await other.goto(`${controller.url}/w/${ws}/speedtests`);
    await other.getByRole('alert').first().waitFor();
    expect(await other.locator('[data-queue]').count()).toBe(0);
    await other.goto(`${controller.url}/w/${ws}/agents/${agentId}`);
    await other.getByRole('alert').first().waitFor();
    expect(await other.getByTestId('run-now').count()).toBe(0);
    await shot(other, '05-outsider');
    await other.close();
  });

  it('logged no console errors and no page errors', () => {
    expect(problems).toEqual([]);
  });
});
