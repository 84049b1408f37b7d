/**
 * `npm run screenshots`: the README's pictures of the lab, taken in real Chromium against a fresh
 * server (light theme at 1280×800, dark theme on a 390 px phone).
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../test/helpers/browser.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer } from '../test/helpers/server.ts';

const OUT = path.resolve(import.meta.dirname, '../docs/screenshots');
fs.mkdirSync(OUT, { recursive: true });

const server = await startTestServer('sqlite');
const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(server.url + '/');
  await page.getByLabel('Method').selectOption('POST');
  await page.getByRole('textbox', { name: 'Request URL' }).fill('/api/auth/login');
  await page.getByRole('textbox', { name: 'Request name' }).fill('Log in');
  await page.getByRole('tab', { name: 'Body' }).click();
  await page.getByRole('radio', { name: 'JSON' }).check();
  await page.getByRole('textbox', { name: 'Request body' }).fill(JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }, null, 2));
  await page.getByRole('tab', { name: 'Tests' }).click();
  await page
    .getByRole('textbox', { name: 'Tests' })
    .fill('pm.test("logged in", () => pm.response.to.have.status(200));\npm.test("a bearer token", () => pm.expect(pm.response.json().tokenType).to.equal("Bearer"));\npm.environment.set("token", pm.response.json().accessToken);');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('region', { name: 'Response' }).getByText('200 OK').waitFor();
  await page.screenshot({ path: path.join(OUT, 'lab-light.png') });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark', deviceScaleFactor: 1 });
  const mobile = await phone.newPage();
  await mobile.goto(server.url + '/');
  await mobile.getByRole('textbox', { name: 'Request URL' }).fill('/api/courses?limit=2');
  await mobile.getByRole('tab', { name: 'Tests' }).click();
  await mobile.getByRole('textbox', { name: 'Tests' }).fill('pm.test("two per page", () => pm.expect(pm.response.json().limit).to.equal(3));');
  await mobile.getByRole('button', { name: 'Send' }).click();
  await mobile.getByRole('region', { name: 'Test results' }).waitFor();
  await mobile.screenshot({ path: path.join(OUT, 'lab-dark-phone.png'), fullPage: true });

  // The journey of a refused request: GET /api/me without a token.
  const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const journeyPage = await fresh.newPage();
  await journeyPage.goto(server.url + '/');
  await journeyPage.getByRole('textbox', { name: 'Request URL' }).fill('/api/courses?limit=3');
  await journeyPage.getByRole('button', { name: 'Send' }).click();
  const response = journeyPage.getByRole('region', { name: 'Response' });
  await response.getByText('200 OK').waitFor();
  await response.getByRole('tab', { name: 'Journey' }).click();
  await response.getByRole('list', { name: 'Request journey' }).waitFor();
  await journeyPage.getByText('GET /api/courses took').waitFor();
  await journeyPage.screenshot({ path: path.join(OUT, 'journey.png') });

  // The learner's own backend: code, deploy, and the route answering in the sandbox.
  const backend = await fresh.newPage();
  await backend.goto(server.url + '/');
  await backend.getByRole('button', { name: 'Your backend' }).click();
  await backend.getByText(/live at \/sandbox\//).waitFor();
  await backend.locator('.cm-editor').waitFor();
  await backend.screenshot({ path: path.join(OUT, 'your-backend.png') });
  console.log(`screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await server.close();
}
