import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { launchChromium } from './browser.ts';
import { startTestServer, type TestServer } from './server.ts';

/**
 * The hooks every browser test file needs: one server and one Chromium per file, and for each test
 * a fresh browser profile (empty IndexedDB, as a first visit) with the lab page open and ready.
 * `use` hands the file its server and the test's page.
 */
export function useLabPage(options: { ready: (page: Page) => Promise<unknown>; use: (server: TestServer, page: Page) => void }) {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    const problem = inject('chromiumProblem');
    if (problem) throw new Error(problem);
    [server, browser] = await Promise.all([startTestServer('sqlite'), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('page error:', error.message));
    // Shorter than the test timeout, so a failure names the step that waited.
    page.setDefaultTimeout(8000);
    await page.goto(server.url + '/');
    await options.ready(page);
    options.use(server, page);
  });
  afterEach(async () => context?.close());
}

/** The lab's client is ready to send. */
export const clientReady = (page: Page) => page.getByRole('button', { name: 'Send' }).waitFor();

/**
 * The "Your backend" view is open, its workspace is live and CodeMirror has replaced the textarea
 * that stands in while it loads (text filled into that textarea as it goes away can be lost).
 */
export async function backendReady(page: Page) {
  await page.getByRole('button', { name: 'Your backend' }).click();
  await page.getByText(/live at \/sandbox\//).waitFor();
  await page.locator('.code-view .cm-content').waitFor();
}
