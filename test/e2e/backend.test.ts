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
