import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clientReady, useLabPage } from '../helpers/lab-page.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let page: Page;
useLabPage({ ready: clientReady, use: (s, p) => { server = s; page = p; } });

const response = () => page.getByRole('region', { name: 'Response' });
const journey = () => response().getByRole('list', { name: 'Request journey' });
const steps = () => journey().getByRole('listitem');

async function send(method: string, url: string, tests = '', { answered = true } = {}) {
  await page.getByLabel('Method').selectOption(method);
  await page.getByRole('textbox', { name: 'Request URL' }).fill(url);
  if (tests) {
    await page.getByRole('tab', { name: 'Tests' }).click();
    await page.getByRole('textbox', { name: 'Tests' }).fill(tests);
  }
  await page.getByRole('button', { name: 'Send' }).click();
  if (answered) await response().getByTestId('status-code').waitFor();
}

async function openJourney() {
  await response().getByRole('tab', { name: 'Journey' }).click();
  await journey().waitFor();
}

/** What a screen reader reads for each step: "auth, denied, 0.4 ms: …". */
const stepTexts = async () => (await steps().allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());

describe('the Journey tab', () => {
  it('shows the auth step of GET /api/me without a token refused, with its reason', async () => {
    await send('GET', '/api/me');
    await expect.poll(() => response().getByTestId('status-code').textContent()).toContain('401');
    await openJourney();

    const texts = await stepTexts();
    expect(texts[0]).toMatch(/^receive, ok, \d+\.\d ms: GET \/api\/me/);
    const refused = texts.filter((t) => / denied, /.test(t));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^auth, denied, \d+\.\d ms: /);
    expect(refused[0]).toContain('no access token');
    // Later steps still ran (the error became a problem+json response), but nothing after auth handled it.
    expect(texts.some((t) => t.startsWith('handler,'))).toBe(false);
    expect(texts.at(-1)).toMatch(/^response, /);

    // The refusing step is marked and findable by its text; the summary says where and why.
    const refusing = steps().filter({ hasText: 'Refused here' });
    expect(await refusing.count()).toBe(1);
    expect(await refusing.textContent()).toMatch(/^auth, denied/);
    expect(await refusing.evaluate((li) => li.classList.contains('journey-refusing'))).toBe(true);
    expect(await response().getByText(/^401 — refused at auth: no access token/).count()).toBe(1);
    // In the theme's colour for "bad", whichever theme is on.
    const [colour, bad] = await refusing.locator('.journey-explanation').evaluate((el) => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.color = 'var(--bad)';
      const want = getComputedStyle(probe).color;
      probe.remove();
      return [getComputedStyle(el).color, want];
    });
    expect(colour).toBe(bad);
  });

  it('shows a good GET /api/courses from receive to response, with its SQL to scale', async () => {
    await send('GET', '/api/courses?limit=2');
    await expect.poll(() => response().getByTestId('status-code').textContent()).toContain('200');
    await openJourney();

    const kinds = (await stepTexts()).map((t) => t.split(',')[0]);
    expect(kinds[0]).toBe('receive');
    expect(kinds.at(-1)).toBe('response');
    expect(kinds).toContain('handler');
    expect(kinds).toContain('sql');
    expect(kinds.indexOf('receive')).toBeLessThan(kinds.indexOf('sql'));
    expect(kinds.indexOf('sql')).toBeLessThan(kinds.indexOf('response'));
    expect((await stepTexts()).every((t) => !/ denied, | error, /.test(t))).toBe(true);

    const sql = journey().getByLabel('SQL statement').first();
    expect(await sql.textContent()).toMatch(/select .*from "courses"/i);
    expect(await sql.locator('.sql-keyword').count()).toBeGreaterThan(1);
    expect(await response().getByText(/^200 — GET \/api\/courses took/).count()).toBe(1);

    // Bars sit on one time scale: each one starts no earlier than the receive step and stays on its track.
    const bars = await journey()
      .locator('.journey-track')
      .evaluateAll((tracks) =>
        tracks.map((track) => {
          const t = track.getBoundingClientRect();
          const b = track.firstElementChild!.getBoundingClientRect();
          return { left: b.left - t.left, right: t.right - b.right, width: b.width };
        }),
      );
    expect(bars.length).toBe(kinds.length);
    for (const bar of bars) {
      expect(bar.left).toBeGreaterThanOrEqual(0);
      expect(bar.right).toBeGreaterThanOrEqual(-0.5);
      expect(bar.width).toBeGreaterThanOrEqual(2);
    }
  });

  it('lists the requests a test script sent with pm.sendRequest, each with its own journey', async () => {
    await send('GET', '/health', 'const res = await pm.sendRequest("/api/courses/abc");\npm.test("script request", () => pm.expect(res.code).to.equal(400));');
    await response().getByRole('tab', { name: 'Journey' }).click();
    const requests = response().getByRole('list', { name: 'Requests of this run' });
    await requests.waitFor();
    // /health is not traced; the tab says so rather than showing an empty journey.
    expect(await requests.getByRole('button', { pressed: true }).textContent()).toContain('This request');
    expect(await response().getByText(/only recorded for this lab's \/api and \/sandbox requests/).count()).toBe(1);

    const scripted = requests.getByRole('button', { name: /Script: GET \/api\/courses\/abc 400/ });
    await scripted.click();
    await journey().waitFor();
    const refused = (await stepTexts()).filter((t) => / denied, /.test(t));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/^validate, denied, /);
    expect(refused[0]).toContain('params.id');
  });

  it('says a request to another server has no journey', async () => {
    const other = http.createServer((_req, res) => res.writeHead(200, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }).end('elsewhere'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/me`;
      await send('GET', url);
      await response().getByRole('tab', { name: 'Journey' }).click();
      await expect.poll(() => response().getByRole('tabpanel').textContent()).toContain('went to another server');
      expect(await response().getByRole('tabpanel').textContent()).toContain("only recorded for this lab's /api and /sandbox requests");
    } finally {
      other.close();
    }
  });

  it('says a request that got no response has no journey', async () => {
    await send('GET', 'http://127.0.0.1:9/nothing', '', { answered: false });
    await response().getByRole('alert').waitFor();
    await response().getByRole('tab', { name: 'Journey' }).click();
    await expect.poll(() => response().getByRole('tabpanel').textContent()).toContain('got no response');
  });
});
