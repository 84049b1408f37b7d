import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollection } from '../../src/scripting/collection-runner.ts';
import type { Collection, Item } from '../../src/scripting/model.ts';
import type { ConsoleLine } from '../../src/scripting/runner.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

const scripts = (preRequest = '', tests = '') => ({ preRequest, tests });

/** What a learner would build in the lab: relative URLs, a token saved by a test script. */
function labCollection(): Collection {
  const items: Item[] = [
    {
      kind: 'request',
      id: 'login',
      name: 'Log in as admin',
      method: 'POST',
      url: '/api/auth/login',
      headers: [],
      body: { mode: 'json', raw: '{"email":"{{email}}","password":"{{password}}"}' },
      auth: { type: 'none' },
      scripts: scripts(
        '',
        `pm.test('logged in', () => pm.response.to.have.status(200));
pm.environment.set("token", pm.response.json().accessToken);
console.log('token saved', pm.environment.get('token').length > 20);`,
      ),
    },
    {
      kind: 'request',
      id: 'me',
      name: 'Who am I',
      method: 'GET',
      url: '/api/me',
      headers: [],
      body: { mode: 'none' },
      auth: { type: 'bearer', token: '{{token}}' },
      scripts: scripts(
        '',
        `pm.test('status 200', () => pm.response.to.have.status(200));
pm.test('is the admin', () => {
  pm.response.to.have.jsonBody('email', pm.environment.get('email'));
  pm.expect(pm.response.json().role).to.equal('admin');
});
pm.test('deliberately wrong', () => pm.expect(pm.response.json().role).to.equal('student'));`,
      ),
    },
    {
      kind: 'request',
      id: 'no-token',
      name: 'Me without a token',
      method: 'GET',
      url: '/api/me',
      headers: [],
      body: { mode: 'none' },
      auth: { type: 'none' },
      scripts: scripts(
        `const res = await pm.sendRequest('/api/courses?limit=1');
pm.variables.set('firstCourse', String(res.json().data[0].id));`,
        `pm.test('401 problem', () => { pm.response.to.have.status(401); pm.response.to.be.clientError; pm.response.to.have.header('content-type', 'application/problem+json; charset=utf-8'); });
pm.sendRequest({ url: '/api/courses/' + pm.variables.get('firstCourse'), header: { Authorization: 'Bearer ' + pm.environment.get('token') } }, (err, res) => {
  pm.test('sendRequest from a test script', () => { pm.expect(err).to.equal(null); pm.expect(res).to.have.status(200); pm.expect(String(res.json().id)).to.equal(pm.variables.get('firstCourse')); });
});`,
      ),
    },
  ];
  return { id: 'lab', name: 'Lab over HTTP', items, scripts: scripts('', "pm.test('no server error', () => pm.response.to.not.be.serverError);"), variables: [] };
}

describe('script engine against the real server (sqlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  it('logs in, reuses the saved token, and reports passes, a failure and sendRequest results', async () => {
    const lines: ConsoleLine[] = [];
    const summary = await runCollection(labCollection(), {
      environment: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      baseUrl: server.url,
      console: (line) => lines.push(line),
    });
    const outcome = summary.results.map((r) => [r.item.name, r.response?.code, r.tests.map((t) => `${t.passed ? 'pass' : 'FAIL'} ${t.name}`)]);
    expect(outcome).toEqual([
      ['Log in as admin', 200, ['pass no server error', 'pass logged in']],
      ['Who am I', 200, ['pass no server error', 'pass status 200', 'pass is the admin', 'FAIL deliberately wrong']],
      ['Me without a token', 401, ['pass no server error', 'pass 401 problem', 'pass sendRequest from a test script']],
    ]);
    expect(summary).toMatchObject({ requests: 3, tests: 9, passed: 8, failed: 1, errors: 0 });
    const wrong = summary.results[1]!.tests.at(-1)!;
    expect(wrong.error).toMatchObject({ name: 'AssertionError', expected: '"student"', actual: '"admin"', showDiff: true });
    expect(summary.results[1]!.request.headers).toContainEqual({ key: 'Authorization', value: `Bearer ${summary.scopes.environment.token}` });
    expect(summary.scopes.environment.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(lines.map((l) => l.text)).toEqual(['token saved true']);
  });
});
