/// <reference lib="dom" />
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { waitUntil } from '@netwatcher/shared/testing';
import { startWebhookReceiver, type WebhookReceiver } from '../alerts/receivers';
import { launchPanelBrowser, preparePanelTest, watchConsole } from '../support/panel-browser';
import { RunningProcess, startAgentProcess, startControllerProcess, type ControllerProcess } from '../support/processes';
import { createTestDatabase } from '../support/test-app';

/**
 * The browser panel in a real Chromium against the built controller and a real agent on
 * loopback: a newcomer registers, creates a workspace and an agent, enrolls it with the PIN the
 * page shows, watches its first PING arrive on the chart without a reload, meets a validation
 * error at the field it names, creates an alert rule and follows its alert live (in a second tab,
 * across a controller restart) through acknowledge and resolve, and a second user who is not a
 * member sees none of it.
 * Screenshots of each page go to controller/test/artifacts/panel/ (gitignored).
 */
const ARTIFACTS = join(__dirname, '..', 'artifacts', 'panel');
/** Failed API calls the steps cause on purpose (a 400 for a bad probe, 404s for the outsider). */
const EXPECTED_HTTP_ERRORS = /^Failed to load resource: the server responded with a status of (400|404)/;
/** What a tab logs while the controller restarts on purpose: its socket and requests fail until it is back. */
const EXPECTED_WHILE_RESTARTING = /^(WebSocket connection to .* failed|Failed to load resource: net::ERR_CONNECTION_REFUSED)/;

describe('browser panel', () => {
  let controller: ControllerProcess;
  let dropDb: () => Promise<void>;
  let agent: RunningProcess | undefined;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  const problems: string[] = [];
  let wsId = 0;
  let agentId = 0;
  let pin = '';
  let probeUrl = '';
  let alertsTab: Page;
  let hooks: WebhookReceiver;
  let restarting = false;
  let controllerEnv: Record<string, string> = {};

  const liveBadge = async (p: Page) => (await p.locator('header .live').textContent())?.trim();
  const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const watch = (p: Page, who: string) =>
    watchConsole(p, who, problems, (text) => EXPECTED_HTTP_ERRORS.test(text) || (restarting && EXPECTED_WHILE_RESTARTING.test(text)));

  beforeAll(async () => {
    preparePanelTest(ARTIFACTS);
    dir = mkdtempSync(join(tmpdir(), 'nw-panel-'));
    const db = await createTestDatabase();
    dropDb = db.drop;
    hooks = await startWebhookReceiver();
    // Loopback webhooks are refused by default; the test's receiver lives there.
    controllerEnv = { DATA_DIR: join(dir, 'data'), DATABASE_URL: db.url, JWT_SECRET: 'panel-test-secret-long-enough', ALERT_WEBHOOK_ALLOW_PRIVILEGED: '1' };
    controller = await startControllerProcess({ ...controllerEnv, PORT: '0' });
    ({ context, page } = await launchPanelBrowser(dir));
    watch(page, 'owner');
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await agent?.stop();
    await controller?.stop();
    await hooks?.close();
    await dropDb?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is served at / next to an unchanged API, with caching headers and a strict CSP', async () => {
    const html = await fetch(`${controller.url}/`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const body = await html.text();
    expect(body).toContain('<div id="app"></div>');
    const asset = body.match(/src="(\/assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${controller.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-type')).toMatch(/javascript/);

    // A panel path a browser reloads gets the app; API clients and API paths keep their answers.
    const deep = await fetch(`${controller.url}/w/1/agents`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="app"></div>');
    const asJson = await fetch(`${controller.url}/w/1/agents`, { headers: { accept: 'application/json' } });
    expect(asJson.status).toBe(404);
    const api = await fetch(`${controller.url}/workspaces`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: expect.any(String) });
    expect((await fetch(`${controller.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${controller.url}/assets/missing-file.js`, { headers: { accept: 'text/html' } })).status).toBe(404);
    // An escape from the build folder is refused like any unknown path.
    expect((await fetch(`${controller.url}/..%2f..%2fpackage.json`, { headers: { accept: 'text/html' } })).status).toBe(404);
  });

  it('registers a newcomer and shows an empty workspace list', async () => {
    await page.goto(`${controller.url}/`);
    await page.waitForURL(/\/login/);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await shot(page, '01-login');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByLabel('E-mail').fill(`owner-${Date.now()}@example.test`);
    await page.getByLabel('Password').fill('correct-horse-battery');
    await page.getByRole('button', { name: 'Register', exact: true }).last().click();
    await page.getByText('You are not a member of any workspace yet').waitFor();
    // The JWT lives in sessionStorage, never in the address bar.
    expect(page.url()).not.toMatch(/token|eyJ/);
    await shot(page, '02-workspaces-empty');
  });

  it('creates a workspace and an agent, and shows its PIN with the enroll command', async () => {
    await page.getByLabel('Name').fill('Branch offices');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByText('No agents yet').waitFor();
    wsId = Number(page.url().match(/\/w\/(\d+)\/agents/)?.[1]);
    expect(wsId).toBeGreaterThan(0);
    await page.getByLabel('Name').fill('browser-agent');
    await page.getByLabel('Location (optional)').fill('Loopback');
    await page.getByRole('button', { name: 'Add agent' }).click();
    pin = (await page.getByTestId('pin').textContent()) ?? '';
    expect(pin).toMatch(/^\d{9}$/);
    const command = (await page.getByTestId('enroll-command').textContent()) ?? '';
    agentId = Number(command.match(/--agent (\d+)/)?.[1]);
    // The controller's one-line installer; a plain-http controller needs --insecure.
    expect(command).toBe(`curl -fsSL ${controller.url}/install.sh | sudo sh -s -- --workspace ${wsId} --agent ${agentId} --pin ${pin} --insecure`);
    await page.locator(`[data-agent="${agentId}"]`).getByText('not enrolled yet').waitFor();
    await shot(page, '03-agent-added');
  });

  it('creates a PING probe through the form and opens its chart, still empty', async () => {
    await page.getByRole('link', { name: 'browser-agent' }).first().click();
    await page.getByRole('link', { name: '+ Add a probe' }).click();
    await page.getByLabel('Targets').fill('127.0.0.1');
    await page.getByLabel('Interval (seconds)').fill('5');
    await page.getByLabel('Timeout (seconds)').fill('5');
    await page.getByLabel('Count (packets or cycles)').fill('3');
    await page.getByRole('button', { name: 'Create probe' }).click();
    await page.getByTestId('chart-empty').waitFor();
    probeUrl = page.url();
    expect(probeUrl).toMatch(new RegExp(`/w/${wsId}/agents/${agentId}/probes/\\d+$`));
  });

  it('shows the first PING result of the enrolled agent on the open chart without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    agent = startAgentProcess({
      controllerUrl: controller.url,
      workspaceId: wsId,
      agentId,
      pin,
      configFile: join(dir, 'agent.json'),
      dataDir: join(dir, 'spool'),
    });
    await page.getByTestId('chart-latest').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.getByTestId('chart-latest').textContent()).toMatch(/\d ms average, 0 % loss/);
    // uPlot drew the series onto its canvas.
    expect(await page.locator('[data-test="smoke-chart"] canvas').count()).toBe(1);
    await page.getByTestId('chart-drawn-ms').waitFor();
    await shot(page, '04-probe-chart');
  }, 90_000);

  it('lists the agent as online with its version', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    const row = page.locator(`[data-agent="${agentId}"]`);
    await row.locator('.dot.on').waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toMatch(/browser-agent.*Loopback/);
    await row.getByRole('link', { name: 'browser-agent' }).click();
    await page.getByText('System (SYSINFO)').waitFor();
    await waitUntil('agent online on its page', async () => (await page.getByTestId('agent-status').textContent()) === 'online', { timeoutMs: 30_000 });
    await shot(page, '05-agent');
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await shot(page, '06-agents');
  }, 60_000);

  it('shows the API validation message at the field it names', async () => {
    await page.goto(probeUrl);
    await page.getByRole('link', { name: 'Edit probe' }).click();
    await page.getByLabel('Interval (seconds)').fill('1');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const fieldError = page.locator('[data-field-error="interval_sec"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toMatch(/interval_sec must be a whole number between 5 and 86400 for PING probes/);
    expect(await page.getByLabel('Interval (seconds)').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '07-probe-edit-error');
  });

  it('shows members and the lookup tools', async () => {
    await page.getByRole('link', { name: 'Members' }).click();
    await page.getByRole('cell', { name: 'OWNER' }).or(page.getByRole('combobox', { name: /Role of/ })).first().waitFor();
    await shot(page, '08-members');
    await page.getByRole('link', { name: 'Lookups' }).click();
    await page.getByRole('button', { name: 'MAC vendor' }).click();
    await page.getByLabel('MAC address').fill('00:1C:42:AB:CD:EF');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByTestId('lookup-answer').getByText('Parallels').waitFor();
    await shot(page, '09-lookups');
  });

  it('opens the alerts page in a second tab: nothing yet, no count', async () => {
    // A tab opened by the panel shares its sign-in (sessionStorage is copied to the new tab).
    [alertsTab] = await Promise.all([context.waitForEvent('page'), page.evaluate(() => void window.open('/alerts', '_blank'))]);
    watch(alertsTab, 'owner alerts tab');
    await alertsTab.getByTestId('alerts-empty').waitFor();
    await waitUntil('the alerts tab live', async () => (await liveBadge(alertsTab)) === 'Live');
    expect(await alertsTab.getByTestId('alert-count').count()).toBe(0);
    await alertsTab.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  });

  it('creates an alert rule through the form, with the API validation message at the field, and sends a test notification', async () => {
    await page.getByTestId('workspace-switcher').selectOption(String(wsId));
    await page.getByRole('link', { name: 'Alert rules' }).click();
    await page.getByText('No alert rules yet').waitFor();
    await page.getByRole('link', { name: '+ New rule' }).click();
    await page.getByLabel('Name').fill('Any answer at all');
    await page.getByLabel('Metric').selectOption('latency');
    await page.getByLabel('Operator').selectOption('>=');
    await page.getByLabel('Threshold (ms)').fill('0');
    await page.getByLabel('Breaching results before it fires').fill('0');
    await page.getByRole('button', { name: 'Create rule' }).click();
    const fieldError = page.locator('[data-field-error="sustain_count"]');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('sustain_count must be a whole number between 1 and 1000');
    expect(await page.getByLabel('Breaching results before it fires').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '12-alert-rule-error');

    await page.getByLabel('Breaching results before it fires').fill('1');
    await page.locator('select[name="agent_id"]').selectOption(String(agentId));
    const probeId = probeUrl.match(/\/probes\/(\d+)$/)?.[1] ?? '';
    await page.locator(`select[name="probe_id"] option[value="${probeId}"]`).waitFor({ state: 'attached' });
    await page.locator('select[name="probe_id"]').selectOption(probeId);
    await page.getByLabel('By webhook').check();
    await page.getByLabel('Webhook URL').fill(`${hooks.url}/hook`);
    await page.getByRole('button', { name: 'Create rule' }).click();

    const rule = page.locator('[data-rule]').filter({ hasText: 'Any answer at all' });
    await rule.waitFor();
    expect(await rule.textContent()).toContain('Latency (average) >= 0 ms');
    await rule.getByRole('button', { name: 'Send test notification' }).click();
    expect(await rule.getByTestId('rule-outcome').textContent()).toMatch(/webhook: delivered \(200\)/);
    await waitUntil('the test notification at the receiver', async () => hooks.received.some((h) => h.body.includes('alert.test')));

    // The edit form comes back with the rule's values, the probe among its agent's.
    await rule.getByRole('link', { name: 'Edit Any answer at all' }).click();
    expect(await page.getByLabel('Name').inputValue()).toBe('Any answer at all');
    await page.locator(`select[name="probe_id"] option[value="${probeId}"]`).waitFor({ state: 'attached' });
    expect(await page.locator('select[name="probe_id"]').inputValue()).toBe(probeId);
    expect(await page.getByLabel('Threshold (ms)').inputValue()).toBe('0');
    await page.getByLabel('Name').fill('Latency seen');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('[data-rule]').filter({ hasText: 'Latency seen' }).waitFor();
    await shot(page, '13-alert-rules');
  });

  it('shows the alert in the other tab and the header counts, without a reload', async () => {
    const row = alertsTab.locator('[data-alert][data-status="active"]').first();
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toMatch(/Latency \(average\).*threshold 0 ms/);
    expect(await row.textContent()).toContain('agent browser-agent, PING → 127.0.0.1');
    await waitUntil('the count in both tabs', async () =>
      (await alertsTab.getByTestId('alert-count').textContent()) === '1' && (await page.getByTestId('alert-count').textContent()) === '1',
    );
    expect(await alertsTab.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot(alertsTab, '14-alerts-active');
  });

  it('acknowledges it from the keyboard, and shows its history', async () => {
    const id = await alertsTab.locator('[data-alert]').first().getAttribute('data-alert');
    const row = alertsTab.locator(`[data-alert="${id}"]`);
    const acknowledge = row.getByRole('button', { name: 'Acknowledge' });
    const focused = () => acknowledge.evaluate((el) => el === document.activeElement);
    await alertsTab.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    for (let i = 0; i < 30 && !(await focused()); i++) await alertsTab.keyboard.press('Tab');
    expect(await focused()).toBe(true);
    await alertsTab.keyboard.press('Enter');
    await alertsTab.locator(`[data-alert="${id}"][data-status="acknowledged"]`).waitFor();
    await alertsTab.getByTestId('alert-count').waitFor({ state: 'detached' });
    await page.getByTestId('alert-count').waitFor({ state: 'detached' });
    await row.getByRole('button', { name: 'History' }).click();
    const history = row.getByTestId('alert-history');
    await history.getByText(/Acknowledged by user \d+/).waitFor();
    expect(await history.textContent()).toMatch(/Fired at \d/);
    await shot(alertsTab, '15-alert-history');
  });

  it('reconnects after a controller restart and resolves it, live in both tabs', async () => {
    // Both tabs on the alerts page; no more results, so nothing fires again after the resolve.
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.locator('[data-alert][data-status="acknowledged"]').first().waitFor();
    await agent?.stop();
    agent = undefined;
    const port = new URL(controller.url).port;
    restarting = true;
    await controller.stop();
    await waitUntil('the tab noticing', async () => (await liveBadge(alertsTab)) !== 'Live');
    controller = await startControllerProcess({ ...controllerEnv, PORT: port });
    for (const tab of [alertsTab, page]) await waitUntil('the tab live again', async () => (await liveBadge(tab)) === 'Live', { timeoutMs: 30_000 });
    restarting = false;

    const id = await alertsTab.locator('[data-alert]').first().getAttribute('data-alert');
    await alertsTab.locator(`[data-alert="${id}"]`).getByRole('button', { name: 'Resolve' }).click();
    await alertsTab.locator(`[data-alert="${id}"][data-status="resolved"]`).waitFor();
    // The other tab hears of it through its reconnected socket.
    await page.locator(`[data-alert="${id}"][data-status="resolved"]`).waitFor();
    expect(await alertsTab.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await alertsTab.getByRole('button', { name: 'Resolved', exact: true }).click();
    await alertsTab.locator(`[data-alert="${id}"]`).waitFor();
    expect(await alertsTab.locator('[data-alert]').count()).toBe(1);
    await shot(alertsTab, '16-alerts-resolved');
  }, 90_000);

  it('follows the system colour scheme', async () => {
    const background = (p: Page) => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await alertsTab.emulateMedia({ colorScheme: 'dark' });
    expect(await background(alertsTab)).toBe('rgb(13, 17, 23)');
    await shot(alertsTab, '17-alerts-dark');
    await alertsTab.emulateMedia({ colorScheme: 'light' });
    expect(await background(alertsTab)).toBe('rgb(246, 248, 250)');
    await alertsTab.close();
  });

  it('fits a phone-width screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(probeUrl);
    await page.getByTestId('chart-latest').waitFor();
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(await fits()).toBe(true);
    await shot(page, '10-probe-phone');
    await page.goto(`${controller.url}/alerts`);
    await page.locator('[data-alert]').first().waitFor();
    expect(await fits()).toBe(true);
    await shot(page, '18-alerts-phone');
    await page.goto(`${controller.url}/w/${wsId}/alert-rules/new`);
    await page.getByLabel('Webhook URL').waitFor();
    expect(await fits()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows none of it to a second user who is not a member', async () => {
    const other = await context.newPage();
    watch(other, 'outsider');
    await other.goto(`${controller.url}/login`);
    await other.getByRole('button', { name: 'Register', exact: true }).click();
    await other.getByLabel('E-mail').fill(`outsider-${Date.now()}@example.test`);
    await other.getByLabel('Password').fill('correct-horse-battery');
    await other.getByRole('button', { name: 'Register', exact: true }).last().click();
    await other.getByText('You are not a member of any workspace yet').waitFor();
    expect(await other.getByRole('link', { name: 'Branch offices' }).count()).toBe(0);
    await other.goto(`${controller.url}/w/${wsId}/agents`);
    await other.getByRole('alert').getByText('workspace not found').waitFor();
    expect(await other.getByText('browser-agent').count()).toBe(0);
    await other.goto(probeUrl.replace(/^https?:\/\/[^/]+/, controller.url));
    await other.getByRole('alert').first().waitFor();
    expect(await other.locator('[data-test="smoke-chart"]').count()).toBe(0);
    await shot(other, '11-outsider');
    await other.goto(`${controller.url}/alerts`);
    await other.getByTestId('alerts-empty').waitFor();
    expect(await other.getByTestId('alert-count').count()).toBe(0);
    await other.goto(`${controller.url}/w/${wsId}/alert-rules`);
    await other.getByRole('alert').getByText('workspace not found').waitFor();
    expect(await other.getByText('Latency seen').count()).toBe(0);
    await other.close();
  });

  it('logged no console errors and no page errors', () => {
    expect(problems).toEqual([]);
    expect(readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(18);
  });
});
