import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { clientReady, useLabPage } from '../helpers/lab-page.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let page: Page;
useLabPage({ ready: clientReady, use: (s, p) => { server = s; page = p; } });

const response = () => page.getByRole('region', { name: 'Response' });
async function results() {
  const tab = response().getByRole('tab', { name: /^Test results/ });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  return response().getByRole('region', { name: 'Test results' });
}

async function setUrl(method: string, url: string) {
  await page.getByLabel('Method').selectOption(method);
  await page.getByRole('textbox', { name: 'Request URL' }).fill(url);
}

async function setScript(tab: 'Tests' | 'Pre-request script', code: string) {
  await page.getByRole('tab', { name: tab }).click();
  const editor = page.getByRole('textbox', { name: tab });
  await editor.fill(code);
}

/** The collections tree as names: a collection or folder is [name, children], a request "GET name". */
function treeShape() {
  return page.getByRole('list', { name: 'Collections' }).evaluate((root) => {
    const walk = (list: Element | null): unknown[] =>
      [...(list?.children ?? [])].map((li) => {
        const details = li.querySelector(':scope > details');
        if (!details) return li.querySelector('.open-request')?.textContent?.trim();
        return [details.querySelector(':scope > summary')?.textContent?.trim(), walk(details.querySelector(':scope > ul'))];
      });
    return walk(root);
  });
}

async function setJsonBody(json: string) {
  await page.getByRole('tab', { name: 'Body' }).click();
  await page.getByRole('radio', { name: 'JSON' }).check();
  await page.getByRole('textbox', { name: 'Request body' }).fill(json);
}

describe('the lab page', () => {
  it('sends a request and shows status, meaning and body', async () => {
    await setUrl('GET', '/api/courses?limit=2');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => response().textContent()).toContain('200 OK');
    await expect.poll(() => response().textContent()).toContain('the request worked');
    expect(await response().getByRole('textbox', { name: 'Response body' }).textContent()).toContain('"total"');
  });

  it('sends with Ctrl+Enter and explains a 401', async () => {
    await setUrl('GET', '/api/me');
    await page.getByRole('textbox', { name: 'Request URL' }).press('Control+Enter');
    await expect.poll(() => response().textContent()).toContain('401');
    expect(await response().textContent()).toContain('does not know who you are');
  });

  it('keeps a disabled query parameter in the table but out of the URL, and keeps the #fragment', async () => {
    const url = page.getByRole('textbox', { name: 'Request URL' });
    await url.fill('/api/courses?limit=2&q=web#top');
    await page.getByRole('tab', { name: /^Params/ }).click();
    const table = page.getByRole('table', { name: 'Query parameter' });
    await table.getByRole('checkbox', { name: 'Use q' }).uncheck();
    expect(await url.inputValue()).toBe('/api/courses?limit=2#top');
    expect(await table.getByRole('checkbox', { name: 'Use q' }).isChecked()).toBe(false);
    await table.getByRole('textbox', { name: 'Query parameter value for limit' }).fill('3');
    expect(await url.inputValue()).toBe('/api/courses?limit=3#top');
    await table.getByRole('checkbox', { name: 'Use q' }).check();
    expect(await url.inputValue()).toBe('/api/courses?limit=3&q=web#top');
  });

  it('sends with Ctrl+Enter from inside a script editor without adding a line to it', async () => {
    await setUrl('GET', '/health');
    await setScript('Tests', 'pm.test("from the editor", () => pm.response.to.be.ok);');
    // The editor proper, not the textarea standing in while CodeMirror loads (which keeps Ctrl+Enter for Send too).
    await page.locator('.cm-editor', { has: page.getByRole('textbox', { name: 'Tests' }) }).waitFor();
    const editor = page.getByRole('textbox', { name: 'Tests' });
    await editor.press('End');
    await editor.press('Control+Enter');
    await expect.poll(async () => (await results()).textContent()).toContain('from the editor passed');
    expect(await editor.locator('.cm-line').count()).toBe(1);
  });

  it('runs a login script that saves {{token}}, then /api/me passes its tests', { timeout: 60_000 }, async () => {
    await setUrl('POST', '/api/auth/login');
    await setJsonBody(JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }));
    await setScript('Tests', 'pm.test("login works", () => pm.response.to.have.status(200));\npm.environment.set("token", pm.response.json().accessToken);');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await results()).textContent()).toContain('login works passed');

    await page.getByRole('button', { name: 'New request' }).click();
    await setUrl('GET', '/api/me');
    await page.getByRole('tab', { name: 'Auth' }).click();
    await page.getByLabel('Auth type').selectOption('bearer');
    await setScript('Tests', `pm.test("it is me", () => pm.expect(pm.response.json().email).to.equal(${JSON.stringify(ADMIN_EMAIL)}));`);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await results()).textContent()).toContain('it is me passed');
    expect(await response().textContent()).toContain('200 OK');
  });

  it('shows a failing test with expected against actual', async () => {
    await setUrl('GET', '/api/courses?limit=1');
    await setScript('Tests', 'const { page, limit } = pm.response.json();\npm.test("page shape", () => pm.expect({ page, limit }).to.deep.equal({ page: 1, limit: 5 }));');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await results()).textContent()).toContain('page shape failed');
    const diff = (await results()).getByRole('figure', { name: 'Expected and actual' });
    expect(await diff.textContent()).toContain('expected');
    expect(await diff.textContent()).toMatch(/− +"limit": 5/);
    expect(await diff.textContent()).toMatch(/\+ +"limit": 1/);
  });

  it('stops an endless script and stays responsive', async () => {
    await setScript('Pre-request script', 'while (true) {}');
    await page.getByRole('button', { name: 'Send' }).click();
    // A short wait per look: one look waiting out the locator's own 8 s used up most of the poll on a busy machine.
    await expect.poll(() => response().getByRole('alert').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 20_000 }).toContain('endless loop');
    // The page still works: the next request goes through a new worker.
    await setScript('Pre-request script', '');
    await setUrl('GET', '/health');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => response().textContent()).toContain('200 OK');
  });

  it('keeps the response when a test script is stopped, and names the script', async () => {
    await setUrl('GET', '/health');
    await setScript('Tests', 'pm.test("before the loop", () => {});\nwhile (true) {}');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => response().getByRole('alert').textContent({ timeout: 1000 }).catch(() => ''), { timeout: 20_000 }).toContain('the test script ran for more than 3 s');
    expect(await response().textContent()).toContain('200 OK');
    expect(await (await results()).textContent()).toContain('Stopped');
  });

  it('shows a skipped test as skipped, not passed', async () => {
    await setUrl('GET', '/health');
    await setScript('Tests', 'pm.test("up", () => pm.response.to.be.ok);\npm.test.skip("later", () => {});');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await results()).textContent()).toContain('later skipped');
    expect(await (await results()).textContent()).toContain('1 of 1 passed, 1 skipped');
  });

  it('keeps a saved collection across a reload', async () => {
    await setUrl('GET', '/api/courses?limit=3');
    await page.getByRole('textbox', { name: 'Request name' }).fill('Three courses');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('list', { name: 'Collections' }).getByRole('button', { name: 'GET Three courses' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /saved|Saving/ }).textContent()).toBe('All changes saved');
    await page.reload();
    await page.getByRole('list', { name: 'Collections' }).getByRole('button', { name: 'GET Three courses' }).click();
    expect(await page.getByRole('textbox', { name: 'Request URL' }).inputValue()).toBe('/api/courses?limit=3');
  });

  it('renames, duplicates, reorders and deletes requests in a collection', async () => {
    for (const name of ['First', 'Second']) {
      await page.getByRole('button', { name: 'New request' }).click();
      await page.getByRole('textbox', { name: 'Request name' }).fill(name);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
    }
    const tree = page.getByRole('list', { name: 'Collections' });
    const names = () => tree.locator('.open-request').allTextContents();
    await expect.poll(names).toEqual(['GET First', 'GET Second']);

    await tree.getByRole('button', { name: 'Duplicate First' }).click();
    await expect.poll(names).toEqual(['GET First', 'GET First copy', 'GET Second']);
    await tree.getByRole('button', { name: 'Move Second up' }).click();
    await expect.poll(names).toEqual(['GET First', 'GET Second', 'GET First copy']);

    page.once('dialog', (dialog) => void dialog.accept('Renamed'));
    await tree.getByRole('button', { name: 'Rename First copy' }).click();
    await expect.poll(names).toEqual(['GET First', 'GET Second', 'GET Renamed']);
    page.once('dialog', (dialog) => void dialog.accept());
    await tree.getByRole('button', { name: 'Delete First', exact: true }).click();
    await expect.poll(names).toEqual(['GET Second', 'GET Renamed']);
  });

  it('shows what {{variables}} stand for in the body on hover, and marks undefined ones in words', async () => {
    await page.getByLabel('Environment', { exact: true }).selectOption({ label: 'Local lab' });
    await page.getByRole('tab', { name: 'Environments' }).click();
    await page.getByRole('textbox', { name: 'New variable name' }).fill('limit');
    await page.getByRole('textbox', { name: 'Current value of limit' }).fill('4');
    await setUrl('POST', '/api/{{area}}');
    expect(await page.getByText('Not defined: {{area}}').count()).toBe(1);
    await setJsonBody('{"limit": {{limit}}, "who": "{{nobody}}"}');
    const body = page.getByRole('textbox', { name: 'Request body' });
    await body.locator('.cm-var', { hasText: '{{limit}}' }).hover();
    await expect.poll(() => page.locator('.cm-tooltip-hover').textContent()).toBe('limit = 4');
    expect(await body.locator('.cm-var-unknown').textContent()).toBe('{{nobody}}');
    // aria-describedby is a list of ids (an editor also points at the note on leaving it with Tab).
    const described = async (field: Locator) => {
      const ids = (await field.getAttribute('aria-describedby'))!.split(' ');
      return (await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()))).join(' ');
    };
    expect(await described(body)).toContain('Not defined: {{nobody}}');
    expect(await described(body)).toContain('press Escape, then Tab');

    await page.getByRole('radio', { name: 'form-urlencoded' }).check();
    const form = page.getByRole('table', { name: 'Form field' });
    await form.getByRole('textbox', { name: 'New Form field key' }).fill('who');
    await form.getByRole('textbox', { name: 'Form field value for who' }).fill('{{nobody}} of {{limit}}');
    expect(await described(form.getByRole('textbox', { name: 'Form field value for who' }))).toBe('Not defined: {{nobody}}');
    expect(await form.getByRole('textbox', { name: 'Form field value for who' }).getAttribute('title')).toBe('{{nobody}} of 4');
  });

  it('saves a request into a nested folder, moves one into a folder, and duplicates the collection', async () => {
    const tree = page.getByRole('list', { name: 'Collections' });
    await page.getByRole('button', { name: 'New collection' }).click();
    await tree.getByRole('button', { name: 'Add a folder to Collection 1' }).click();
    page.once('dialog', (dialog) => void dialog.accept('Auth'));
    await tree.getByRole('button', { name: 'Rename New folder' }).click();
    await tree.getByRole('button', { name: 'Add a folder to Auth' }).click();
    page.once('dialog', (dialog) => void dialog.accept('Tokens'));
    await tree.getByRole('button', { name: 'Rename New folder' }).click();

    await page.getByRole('textbox', { name: 'Request name' }).fill('Me');
    await page.getByRole('combobox', { name: 'Save in' }).selectOption({ label: 'Collection 1 / Auth / Tokens' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'New request' }).click();
    await page.getByRole('textbox', { name: 'Request name' }).fill('List');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(treeShape).toEqual([['Collection 1', [['Auth', [['Tokens', ['GET Me']]]], 'GET List']]]);

    await tree.getByRole('button', { name: 'Move List to a folder' }).click();
    await tree.getByRole('combobox', { name: 'Move List to' }).selectOption({ label: 'Collection 1 / Auth' });
    await expect.poll(treeShape).toEqual([['Collection 1', [['Auth', [['Tokens', ['GET Me']], 'GET List']]]]]);
    // Save now updates it where it went, not where it was.
    await page.getByRole('textbox', { name: 'Request name' }).fill('List all');
    await page.keyboard.press('Control+s');
    await expect.poll(treeShape).toEqual([['Collection 1', [['Auth', [['Tokens', ['GET Me']], 'GET List all']]]]]);

    await tree.getByRole('button', { name: 'Duplicate Collection 1' }).click();
    const copy = [['Auth', [['Tokens', ['GET Me']], 'GET List all']]];
    await expect.poll(treeShape).toEqual([['Collection 1', copy], ['Collection 1 copy', copy]]);
  });

  it('edits an environment that is not in use, and globals', async () => {
    await page.getByRole('tab', { name: 'Environments' }).click();
    await page.getByRole('button', { name: 'New environment' }).click(); // "Environment 2", now in use
    const list = page.getByRole('list', { name: 'Environments' });
    await list.locator('summary', { hasText: 'Local lab' }).click();
    await list.getByRole('textbox', { name: 'New variable name in Local lab' }).fill('limit');
    await list.getByRole('textbox', { name: 'Current value of limit in Local lab' }).fill('2');
    const globals = page.getByRole('table', { name: 'Global' });
    await globals.getByRole('textbox', { name: 'New Global key' }).fill('who');
    await globals.getByRole('textbox', { name: 'Global value for who' }).fill('ada');

    await setUrl('GET', '/api/courses?limit={{limit}}&q={{who}}');
    expect(await page.getByLabel('Resolved URL').textContent()).toContain('/api/courses?limit={{limit}}&q=ada');
    await list.getByRole('button', { name: 'Use Local lab' }).click();
    expect(await page.getByLabel('Environment', { exact: true }).inputValue()).not.toBe('');
    expect(await page.getByLabel('Resolved URL').textContent()).toContain('/api/courses?limit=2&q=ada');
  });

  it('imports a Postman environment file and uses its variables', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-')), 'lab.postman_environment.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'Imported env', values: [{ key: 'limit', value: '4', enabled: true }] }));
    await page.getByLabel('Import a Postman collection or environment file').setInputFiles(file);
    await expect.poll(() => page.getByText('Imported the environment "Imported env"').count()).toBe(1);
    await page.getByLabel('Environment', { exact: true }).selectOption({ label: 'Imported env' });
    await setUrl('GET', '/api/courses?limit={{limit}}');
    expect(await page.getByLabel('Resolved URL').textContent()).toContain('/api/courses?limit=4');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => response().textContent()).toContain('200 OK');
    expect(await response().getByRole('textbox', { name: 'Response body' }).textContent()).toContain('"limit": 4');
  });

  it('imports a Postman v2.1 collection and runs it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-')), 'health.postman_collection.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        info: { name: 'Imported checks', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          {
            name: 'Health',
            request: { method: 'GET', url: '{{base}}/health' },
            event: [{ listen: 'test', script: { exec: ['pm.test("healthy", () => pm.response.to.have.status(200));'] } }],
          },
        ],
        variable: [{ key: 'base', value: server.url }],
      }),
    );
    await page.getByLabel('Import a Postman collection or environment file').setInputFiles(file);
    await expect.poll(() => page.getByText('Imported the collection "Imported checks"').count()).toBe(1);
    await page.getByRole('button', { name: 'Run Imported checks' }).click();
    const runner = page.getByRole('region', { name: 'Runner results' });
    await expect.poll(() => runner.textContent()).toContain('1 of 1 tests passed');
  });

  it('runs a collection through the shared runner: status and script errors side by side, skipped and error counts, Stop', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-')), 'runner.postman_collection.json');
    const slow = { listen: 'prerequest', script: { exec: ['await new Promise((resolve) => setTimeout(resolve, 700));'] } };
    fs.writeFileSync(
      file,
      JSON.stringify({
        info: { name: 'Runner checks', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          { name: 'Broken', request: { method: 'GET', url: '/health' }, event: [{ listen: 'test', script: { exec: ['pm.test("up", () => pm.response.to.be.ok);', 'pm.test.skip("later");', 'undefinedThing();'] } }] },
          ...['Slow one', 'Slow two', 'Slow three'].map((name) => ({ name, request: { method: 'GET', url: '/health' }, event: [slow] })),
        ],
      }),
    );
    await page.getByLabel('Import a Postman collection or environment file').setInputFiles(file);
    await page.getByRole('button', { name: 'Run Runner checks' }).click();
    const runner = page.getByRole('region', { name: 'Runner results' });
    await expect.poll(() => runner.getByRole('listitem').filter({ hasText: 'Slow one' }).count()).toBe(1);
    await runner.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => runner.getByRole('heading').textContent()).toContain('(stopped)');
    const text = await runner.textContent();
    expect(text).toContain('Broken → 200');
    expect(text).toContain('undefinedThing is not defined');
    expect(text).toContain('1 of 1 tests passed · 0 failed · 1 skipped · 1 error');
    expect(text).not.toContain('Slow three');
  });

  it('imports Basic auth and form-data from Postman, and says what it could not import', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-e2e-')), 'mixed.postman_collection.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        info: { name: 'Mixed', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          { name: 'Basic', request: { method: 'GET', url: '/health', auth: { type: 'basic', basic: [{ key: 'username', value: 'ada' }, { key: 'password', value: 'pw' }] } } },
          { name: 'Upload', request: { method: 'POST', url: '/health', body: { mode: 'formdata', formdata: [{ key: 'title', value: 'Hi', type: 'text' }, { key: 'avatar', type: 'file', src: '/tmp/a.png' }] } } },
          { name: 'OAuth', request: { method: 'GET', url: '/health', auth: { type: 'oauth2', oauth2: [] } } },
        ],
      }),
    );
    await page.getByLabel('Import a Postman collection or environment file').setInputFiles(file);
    const message = page.locator('.import-message');
    await expect.poll(() => message.textContent()).toContain('Imported the collection "Mixed". Not imported:');
    expect(await message.textContent()).toContain('"Upload": the file field "avatar"');
    expect(await message.textContent()).toContain('"OAuth": oauth2 auth');

    const tree = page.getByRole('list', { name: 'Collections' });
    await tree.getByRole('button', { name: 'GET Basic' }).click();
    await page.getByRole('tab', { name: 'Auth' }).click();
    expect(await page.getByLabel('Auth type').inputValue()).toBe('basic');
    expect(await page.getByRole('textbox', { name: 'Username' }).inputValue()).toBe('ada');
    await tree.getByRole('button', { name: 'POST Upload' }).click();
    await page.getByRole('tab', { name: 'Body' }).click();
    expect(await page.getByRole('radio', { name: 'form-data' }).isChecked()).toBe(true);
    expect(await page.getByRole('table', { name: 'Form field' }).getByRole('textbox', { name: 'Form field value for title' }).inputValue()).toBe('Hi');
  });

  it('opens a lesson request block in the client', async () => {
    await page.getByRole('tab', { name: 'Lessons' }).click();
    await page.getByRole('list', { name: 'Lessons' }).getByRole('button').first().click();
    await page.getByRole('button', { name: /^Open in client/ }).first().click();
    const url = await page.getByRole('textbox', { name: 'Request URL' }).inputValue();
    expect(url).toMatch(/^\/(api|health)/);
  });

  it('runs front-end JavaScript in the client script scratchpad', async () => {
    await page.getByRole('button', { name: 'Client script' }).click();
    await page.getByRole('textbox', { name: 'Client script code' }).fill('fetch("/api/courses?limit=1").then((r) => r.json()).then((d) => console.log("total:", d.total));');
    await page.getByRole('button', { name: 'Run script' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Console' }).textContent()).toMatch(/total: \d+/);
  });

  it('names the client script when it stops an endless one', async () => {
    await page.getByRole('button', { name: 'Client script' }).click();
    await page.getByRole('textbox', { name: 'Client script code' }).fill('while (true) {}');
    await page.getByRole('button', { name: 'Run script' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Console' }).textContent(), { timeout: 15_000 }).toContain('Stopped: the client script ran for more than 3 s');
  });

  it('records requests sent by scripts in the searchable history', async () => {
    await setUrl('GET', '/health');
    await setScript('Tests', 'const res = await pm.sendRequest("/api/courses?limit=1");\npm.test("script request", () => pm.expect(res.code).to.equal(200));');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(async () => (await results()).textContent()).toContain('script request passed');
    await page.getByRole('tab', { name: 'History' }).click();
    const history = page.getByRole('list', { name: 'History' });
    await expect.poll(() => history.getByRole('listitem').count()).toBe(2);
    await page.getByRole('searchbox', { name: 'Search history' }).fill('courses');
    await expect.poll(() => history.getByRole('listitem').count()).toBe(1);
    expect(await history.textContent()).toContain('script');
  });

  it('works on a 390 px wide phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await setUrl('GET', '/api/courses?limit=1');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => response().textContent()).toContain('200 OK');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
