import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { backendReady, useLabPage } from '../helpers/lab-page.ts';
import type { TestServer } from '../helpers/server.ts';

let server: TestServer;
let page: Page;
useLabPage({ ready: backendReady, use: (s, p) => { server = s; page = p; } });

const ROUTE = `const express = require("express");
const app = express();
app.get("/greet/:name", (req, res) => {
  console.log("greeting", req.params.name);
  res.json({ greeting: "Hello, " + req.params.name });
});
app.listen(3000);
`;

describe('your backend in the lab', () => {
  it('deploys a route, calls it from the client and shows its console output', async () => {
    await page.getByRole('textbox', { name: 'Backend code' }).fill(ROUTE);
    await page.getByRole('textbox', { name: 'Backend code' }).press('Control+s');
    await expect.poll(() => page.getByRole('status').filter({ hasText: /Deployed/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Try GET /greet/:name in the client' }).click();
    const url = page.getByRole('textbox', { name: 'Request URL' });
    await url.fill((await url.inputValue()).replace(/\/greet\/.*/, '/greet/ada'));
    await page.getByRole('button', { name: 'Send' }).click();
    const response = page.getByRole('region', { name: 'Response' });
    await expect.poll(() => response.textContent()).toContain('200 OK');
    expect(await response.getByRole('textbox', { name: 'Response body' }).textContent()).toContain('Hello, ada');

    await page.getByRole('button', { name: 'Your backend' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Server console' }).textContent()).toContain('greeting ada');
    // Coming back, the deploy is still described and its routes are still there to try.
    expect(await page.getByRole('status').filter({ hasText: /Deployed: 1 route/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Try GET /greet/:name in the client' }).count()).toBe(1);
  });

  it('marks a syntax error while typing, and a marker from a deploy moves with the edits', async () => {
    const editor = page.getByRole('textbox', { name: 'Backend code' });
    await editor.fill('const app = require("express")();\napp.get("/x", (req, res) => {\n  res.json({ x: 1 }\n});\n');
    await expect.poll(() => page.locator('.code-view .cm-content').textContent()).toContain('res.json({ x: 1 }});');
    // Not deployed: the editor's own check marks it.
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    await editor.fill('const app = require("express")();\napp.get("/x", (req, res) => res.json({ x: 1 }));\nconst broken = undefinedThing.field;\n');
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBe(0);
    await page.getByRole('button', { name: 'Deploy' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Code errors' }).textContent()).toMatch(/Line 3/);
    const markedLine = () => page.locator('.cm-line:has(.cm-lintRange-error)').first().textContent();
    await expect.poll(markedLine).toContain('undefinedThing');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('// one\n// two\n');
    await expect.poll(markedLine).toContain('undefinedThing');
    expect(await page.getByText('These errors are from the last deploy; the code has changed since.').count()).toBe(1);
  });

  it('fits an 800-pixel-wide window: the code view and the database tab scroll inside, not the page', async () => {
    await page.setViewportSize({ width: 800, height: 900 });
    await page.getByRole('tab', { name: 'Database' }).click();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await expect.poll(overflow).toBeLessThanOrEqual(0);
    await page.getByRole('tab', { name: 'SQL console' }).click();
    expect(await overflow()).toBeLessThanOrEqual(0);
  });

  it('shows a syntax error at its line and does not deploy it', async () => {
    await page.getByRole('textbox', { name: 'Backend code' }).fill('const app = require("express")();\napp.get("/x", (req, res) => {\n  res.json({ x: 1 }\n});\n');
    await page.getByRole('button', { name: 'Deploy' }).click();
    const errors = page.getByRole('list', { name: 'Code errors' });
    await expect.poll(() => errors.textContent()).toMatch(/Line [34], column \d+/);
    // CodeMirror marks the line in the gutter.
    await expect.poll(() => page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
  });

  it('runs SQL in the workspace database and shows a result grid', async () => {
    await page.getByRole('tab', { name: 'SQL console' }).click();
    const editor = page.getByRole('textbox', { name: 'SQL statement' });
    await editor.fill('CREATE TABLE pets (name VARCHAR(20))');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await editor.fill("INSERT INTO pets VALUES ('rex'), ('tom')");
    await page.getByRole('button', { name: 'Run SQL' }).click();
    await expect.poll(() => page.getByText('2 affected').count()).toBe(1);
    await editor.fill('SELECT name FROM pets ORDER BY name');
    await page.getByRole('button', { name: 'Run SQL' }).click();
    const grid = page.getByRole('table', { name: 'Query result' });
    await expect.poll(() => grid.getByRole('cell').allTextContents()).toEqual(['rex', 'tom']);
  });
});

describe('what a workspace serves in the browser', () => {
  const PAGE_AND_SCRIPT = `const app = require("express")();
app.get("/page", (req, res) => {
  res.set("Content-Security-Policy", "default-src * 'unsafe-inline'");
  res.send('<!doctype html><title>…</title><script>try { indexedDB.open("lab"); document.title = "storage of " + origin; } catch (e) { document.title = "blocked: " + e.name; }</script>');
});
app.get("/evil.js", (req, res) => res.type("js").send("window.pwned = true;"));
app.listen(3000);
`;

  it("runs in an opaque origin: it cannot read the lab's storage, and the lab page cannot run it as a script", async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string };
    const deployed = await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source: PAGE_AND_SCRIPT } });
    expect(deployed.status).toBe(200);
    // The lab page's CSP allows 'self' scripts; the sandbox refuses to be one.
    const loaded = await page.evaluate(
      (src) =>
        new Promise<string>((resolve) => {
          const script = document.createElement('script');
          script.src = src;
          script.onload = () => resolve('loaded');
          script.onerror = () => resolve('refused');
          document.head.append(script);
        }),
      `/sandbox/${ws.id}/evil.js`,
    );
    expect(loaded).toBe('refused');
    expect(await page.evaluate(() => (window as unknown as { pwned?: boolean }).pwned)).toBeUndefined();
    // A visitor who opens the link: the page's script runs, but not as the lab.
    await page.goto(`${server.url}/sandbox/${ws.id}/page`);
    await expect.poll(() => page.title()).toMatch(/^blocked: SecurityError/);
  });

  it("a workspace's cookies go back to it only, and its redirects stay inside it", async () => {
    const source = 'const app = require("express")();\napp.get("/in", (req, res) => { res.cookie("who", req.query.name); res.redirect("/cookies"); });\napp.get("/cookies", (req, res) => res.json(req.cookies));\n';
    const [a, b] = await Promise.all([0, 1].map(async () => {
      const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string };
      expect((await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } })).status).toBe(200);
      return ws;
    }));
    await page.goto(`${server.url}/sandbox/${a!.id}/in?name=ada`);
    expect(page.url()).toBe(`${server.url}/sandbox/${a!.id}/cookies`);
    expect(JSON.parse((await page.textContent('body'))!)).toEqual({ who: 'ada' });
    await page.goto(`${server.url}/sandbox/${b!.id}/cookies`);
    expect(JSON.parse((await page.textContent('body'))!)).toEqual({});
  });
});
