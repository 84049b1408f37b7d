import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollection } from './collection-runner.ts';
import type { Collection, LabRequest } from './model.ts';
import { type ConsoleLine, runRequest } from './runner.ts';
import { emptyScopes } from './types.ts';

/** A tiny API: /login gives a token, /me wants it, /echo returns what it got. */
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const send = (code: number, value: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.url === '/login') return send(200, { accessToken: 'tok-123' });
      if (req.url === '/me') return req.headers.authorization === 'Bearer tok-123' ? send(200, { email: 'admin@lab' }) : send(401, { title: 'Unauthorized' });
      return send(200, { method: req.method, url: req.url, headers: req.headers, body });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const request = (overrides: Partial<LabRequest>): LabRequest & { kind: 'request' } => ({
  kind: 'request',
  id: overrides.name ?? 'r',
  name: 'request',
  method: 'GET',
  url: '/echo',
  headers: [],
  body: { mode: 'none' },
  auth: { type: 'none' },
  scripts: { preRequest: '', tests: '' },
  ...overrides,
});

describe('runRequest', () => {
  it('runs pre-request scripts collection → folder → request, sends, then tests in the same order', async () => {
    const lines: ConsoleLine[] = [];
    const collection: Collection = {
      id: 'c',
      name: 'C',
      items: [],
      variables: [],
      scripts: { preRequest: "console.log('collection pre'); pm.variables.set('path', 'echo');", tests: "pm.test('collection test', () => pm.response.to.be.ok);" },
    };
    const folder = { id: 'f', name: 'F', items: [], scripts: { preRequest: "console.log('folder pre', pm.variables.get('path')); pm.request.headers.add({ key: 'X-Folder', value: '{{who}}' });", tests: "console.log('folder test')" } };
    const item = request({
      name: 'Echo',
      method: 'POST',
      url: '/{{path}}?n={{n}}',
      body: { mode: 'json', raw: '{"who":"{{who}}"}' },
      scripts: { preRequest: "console.log('request pre'); pm.environment.set('n', 7);", tests: "pm.test('echo', () => { pm.expect(pm.response.json().url).to.equal('/echo?n=7'); pm.expect(pm.request.url.toString()).to.include('/echo?n=7'); }); pm.test('fails', () => pm.expect(1).to.equal(2));" },
    });
    const result = await runRequest(item, { collection, folders: [folder], scopes: { ...emptyScopes(), globals: { who: 'ada' } }, baseUrl, console: (line) => lines.push(line) });
    expect(lines.map((l) => `${l.origin.kind}:${l.origin.event}:${l.text}`)).toEqual(['collection:prerequest:collection pre', 'folder:prerequest:folder pre echo', 'request:prerequest:request pre', 'folder:test:folder test']);
    expect(result.consoleLines).toEqual(lines);
    expect(result.request).toEqual({
      method: 'POST',
      url: `${baseUrl}/echo?n=7`,
      headers: [{ key: 'X-Folder', value: 'ada' }, { key: 'Content-Type', value: 'application/json' }],
      body: { mode: 'json', raw: '{"who":"ada"}' },
    });
    const echoed = JSON.parse(result.response!.body);
    expect(echoed).toMatchObject({ method: 'POST', body: '{"who":"ada"}', headers: { 'x-folder': 'ada', 'content-type': 'application/json' } });
    expect(result.tests.map((t) => [t.origin.kind, t.name, t.passed])).toEqual([
      ['collection', 'collection test', true],
      ['request', 'echo', true],
      ['request', 'fails', false],
    ]);
    expect(result.scopes.environment).toEqual({ n: '7' });
    expect(result.scopes.local).toEqual({ path: 'echo' });
    expect(result.errors).toEqual([]);
  });

  it('a script error is reported with its origin and the request still goes out', async () => {
    const result = await runRequest(request({ name: 'Broken', scripts: { preRequest: 'const a = ;', tests: "pm.test('sent', () => pm.response.to.be.ok)" } }), { scopes: emptyScopes(), baseUrl });
    expect(result.errors).toEqual([{ name: 'SyntaxError', message: expect.any(String), line: 1, origin: { kind: 'request', id: 'Broken', name: 'Broken', event: 'prerequest' } }]);
    expect(result.tests.map((t) => t.passed)).toEqual([true]);
  });

  it('a failed send is an error without origin, and no test script runs', async () => {
    const result = await runRequest(request({ url: '{{nowhere}}/x', scripts: { preRequest: '', tests: "pm.test('never', () => {})" } }), { scopes: emptyScopes(), baseUrl: 'not a base' });
    expect(result.response).toBeUndefined();
    expect(result.tests).toEqual([]);
    expect(result.errors[0]).toMatchObject({ name: 'Error', message: expect.stringContaining('Invalid URL') });
  });

  it('pm.sendRequest takes relative URLs and gets a JSON content type', async () => {
    const code = `const res = await pm.sendRequest({ url: '/echo', method: 'POST', body: { mode: 'raw', raw: '{}', options: { raw: { language: 'json' } } } });
      pm.test('sent', () => pm.expect(res.json().headers['content-type']).to.equal('application/json'));`;
    const result = await runRequest(request({ scripts: { preRequest: code, tests: '' } }), { scopes: emptyScopes(), baseUrl });
    expect(result.tests).toMatchObject([{ name: 'sent', passed: true }]);
  });
});

describe('progress', () => {
  it('names each script before it runs and hands over the response before the test scripts', async () => {
    const events: string[] = [];
    const collection: Collection = { id: 'c', name: 'C', items: [], variables: [], scripts: { preRequest: '', tests: "pm.test('c', () => {})" } };
    const item = request({ name: 'Echo', scripts: { preRequest: '1;', tests: "pm.test('env is ' + pm.environment.name, () => {})" } });
    const result = await runRequest(item, {
      collection,
      scopes: emptyScopes(),
      baseUrl,
      environmentName: 'Local lab',
      onProgress: (p) => events.push(p.kind === 'script' ? `${p.origin.kind}:${p.origin.event}:${p.tests.length}` : `response:${p.response.code}`),
    });
    expect(events).toEqual(['request:prerequest:0', 'response:200', 'collection:test:0', 'request:test:1']);
    expect(result.tests.map((t) => t.name)).toEqual(['c', 'env is Local lab']);
  });
});

describe('runCollection', () => {
  const collection = (): Collection => ({
    id: 'c',
    name: 'Flow',
    variables: [{ key: 'base', value: '', enabled: true }],
    scripts: { preRequest: '', tests: '' },
    items: [
      request({ id: 'login', name: 'Login', method: 'POST', url: '{{base}}/login', scripts: { preRequest: "pm.variables.set('onlyHere', '1')", tests: "pm.environment.set('token', pm.response.json().accessToken); pm.test('token', () => pm.expect(pm.environment.get('token')).to.equal('tok-123'));" } }),
      {
        kind: 'folder',
        id: 'f-me',
        name: 'Me',
        scripts: { preRequest: '', tests: "pm.test('folder sees ' + pm.info.requestName, () => {})" },
        items: [
          request({ id: 'me', name: 'Who am I', url: '{{base}}/me', auth: { type: 'bearer', token: '{{token}}' }, scripts: { preRequest: '', tests: "pm.test('me', () => pm.response.to.have.jsonBody('email', 'admin@lab')); pm.test('local gone', () => pm.expect(pm.variables.get('onlyHere')).to.be.undefined); pm.test('wrong', () => pm.response.to.have.status(404));" } }),
        ],
      },
    ],
  });

  it('plays every request in order, variables flowing, and counts results', async () => {
    const seen: string[] = [];
    const summary = await runCollection(collection(), { environment: { base: baseUrl }, baseUrl, onResult: (r) => seen.push(`${r.path.join('/')}>${r.item.name}`) });
    expect(seen).toEqual(['>Login', 'Me>Who am I']);
    expect(summary).toMatchObject({ requests: 2, tests: 5, passed: 4, failed: 1, skipped: 0, errors: 0 });
    expect(summary.results[1]!.tests.map((t) => [t.name, t.passed])).toEqual([
      ['folder sees Who am I', true],
      ['me', true],
      ['local gone', true],
      ['wrong', false],
    ]);
    expect(summary.scopes.environment).toEqual({ base: baseUrl, token: 'tok-123' });
  });

  it('runs one folder only, and refuses an unknown folder', async () => {
    const summary = await runCollection(collection(), { folderId: 'f-me', environment: { base: baseUrl, token: 'tok-123' }, baseUrl });
    expect(summary.results.map((r) => r.item.name)).toEqual(['Who am I']);
    await expect(runCollection(collection(), { folderId: 'nope', baseUrl })).rejects.toThrow('No folder with id nope in "Flow"');
  });
});
