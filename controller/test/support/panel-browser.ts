import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors, type BrowserContext, type Page } from 'playwright-core';
import { requireBuild } from './processes';

/** Debian's chromium, driven by playwright-core (no browser download, no internet). */
export const CHROMIUM = '/usr/bin/chromium';
const WEB_DIST = join(__dirname, '..', '..', 'dist', 'web');

/**
 * What every panel browser test needs before it starts: the built controller and panel, the
 * browser, a folder for its screenshots, and `getByTestId` reading the panel's `data-test`.
 * Each missing part fails with the command that provides it, never with a skipped test.
 */
export function preparePanelTest(artifacts: string): void {
  requireBuild();
  if (!existsSync(join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST} is missing: run \`npm run build\` first`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  mkdirSync(artifacts, { recursive: true });
  selectors.setTestIdAttribute('data-test');
}

/** Headless chromium with a profile of its own under `dir`, and its first page. */
export async function launchPanelBrowser(dir: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}

/**
 * Collects a page's console errors and uncaught exceptions into `problems` (a test ends by
 * expecting none), except the HTTP errors the test provokes on purpose.
 */
export function watchConsole(page: Page, who: string, problems: string[], expected: (text: string) => boolean = () => false): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m.text())) problems.push(`${who} console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${who} page error: ${e.message}`));
}

/** Signs in through the login page and waits until the panel has left it. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).last().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}
