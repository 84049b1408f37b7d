import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollection } from '../../src/scripting/collection-runner.ts';
import type { Collection, Environment, Item } from '../../src/scripting/model.ts';
import { exportCollection, exportEnvironment } from '../../src/scripting/postman.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.ts';

/**
 * The proof that the lab's scripts mean what they mean in Postman: one collection, exported and
 * run by newman (Postman's own runtime and sandbox), then run by our runner, same verdicts.
 */

interface NewmanSummary {
  run: {
    executions: { cursor: { ref: string }; item: { name: string }; assertions?: { assertion: string; skipped?: boolean; error?: { message: string } }[] }[];
    failures: { error: { name: string; message: string }; source?: { name?: string } }[];
  };
}
// newman ships no types and is CommonJS; only run() is used.
const newman = createRequire(import.meta.url)('newman') as {
  run(options: Record<string, unknown>, callback: (error: Error | null, summary: NewmanSummary) => void): unknown;
};

const runNewman = (options: Record<string, unknown>) =>
  new Promise<NewmanSummary>((resolve, reject) => newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary))));

const scripts = (preRequest = '', tests = '') => ({ preRequest, tests });
const request = (fields: Partial<Extract<Item, { kind: 'request' }>> & { id: string; name: string; url: string }): Item => ({
  kind: 'request',
  method: 'GET',
  headers: [],
  body: { mode: 'none' },
  auth: { type: 'none' },
  scripts: scripts(),
  ...fields,
});

function proofCollection(baseUrl: string): Collection {
  return {
    id: 'proof',
    name: 'Newman proof',
    variables: [{ key: 'baseUrl', value: baseUrl, enabled: true }],
    scripts: scripts("pm.variables.set('requestedAt', Date.now());", "pm.test('collection: no server error', () => pm.response.to.not.be.serverError);"),
    items: [
      request({
        id: 'login',
        name: 'Log in',
        method: 'POST',
        url: '{{baseUrl}}/api/auth/login',
        body: { mode: 'json', raw: '{\n  "email": "{{email}}",\n  "password": "{{password}}"\n}' },
        scripts: scripts(
          '',
          `pm.test('login answers 200', function () { pm.response.to.have.status(200); });
pm.test('login gives tokens', function () {
  const body = pm.response.json();
  pm.expect(body).to.have.property('accessToken').that.is.a('string');
  pm.expect(body.refreshToken).to.be.a('string');
});
pm.environment.set('token', pm.response.json().accessToken);`,
        ),
      }),
      request({
        id: 'me',
        name: 'Me',
        url: '{{baseUrl}}/api/me',
        auth: { type: 'bearer', token: '{{token}}' },
        scripts: scripts(
          '',
          `pm.test('me is 200', () => pm.response.to.have.status(200));
pm.test('me is the admin', () => pm.response.to.have.jsonBody('email', pm.environment.get('email')));
pm.test('me has a header', () => pm.response.to.have.header('X-Request-Id'));
pm.test('deliberately failing: role is student', () => pm.expect(pm.response.json().role).to.eql('student'));`,
        ),
      }),
      {
        kind: 'folder',
        id: 'courses',
        name: 'Courses',
        scripts: scripts("pm.variables.set('limit', 3);", "pm.test('folder: answers JSON', () => pm.response.to.be.json);"),
        items: [
          request({
            id: 'list',
            name: 'List courses',
            url: '{{baseUrl}}/api/courses?limit={{limit}}',
            auth: { type: 'bearer', token: '{{token}}' },
            scripts: scripts(
              '',
              `const body = pm.response.json();
pm.test('list is 200 and ok', () => { pm.response.to.have.status(200); pm.response.to.be.ok; pm.response.to.be.success; });
pm.test('limit from the folder script', () => pm.expect(body.limit).to.equal(3));
pm.test('data is an array of at most 3', () => { pm.expect(body.data).to.be.an('array'); pm.expect(body.data.length).to.be.at.most(3); });
pm.test('has data path', () => pm.response.to.have.jsonBody('data[0].id'));
pm.test('total is at least the page', () => pm.expect(body.total).to.be.at.least(body.data.length));
pm.test('not a client error', () => pm.response.to.not.be.clientError);
pm.test('deliberately failing: status 201', () => pm.response.to.have.status(201));
pm.test.skip('skipped for now', () => {});
pm.sendRequest(pm.collectionVariables.get('baseUrl') + '/api/courses/' + body.data[0].id, (err, res) => {
  pm.test('sendRequest finds the first course', () => { pm.expect(err).to.equal(null); pm.expect(res.code).to.equal(200); pm.expect(res.json().id).to.equal(body.data[0].id); });
});`,
            ),
          }),
          request({
            id: 'missing',
            name: 'Missing course',
            url: '{{baseUrl}}/api/courses/999999',
            scripts: scripts('', `pm.test('404 problem', () => { pm.response.to.have.status(404); pm.response.to.be.clientError; pm.response.to.be.error; });`),
          }),
        ],
      },
    ],
  };
}

const environment: Environment = {
  id: 'env',
  name: 'Proof',
  values: [
    { key: 'email', initial: ADMIN_EMAIL, current: ADMIN_EMAIL, enabled: true },
    { key: 'password', initial: ADMIN_PASSWORD, current: ADMIN_PASSWORD, enabled: true },
    { key: 'token', initial: '', current: '', enabled: true },
  ],
};

describe('newman and the lab runner agree (sqlite)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  it('same tests, same verdicts, on the exported collection', async () => {
    const collection = proofCollection(server.url);

    const newmanSummary = await runNewman({ collection: exportCollection(collection), environment: exportEnvironment(environment), reporters: [] });
    // pm.sendRequest makes newman list the item's execution (the same object) once more: keep the first.
    const executions = newmanSummary.run.executions.filter((execution, index, all) => all.findIndex((e) => e.cursor.ref === execution.cursor.ref) === index);
    const theirs = executions.map((execution) => ({
      request: execution.item.name,
      tests: (execution.assertions ?? []).map((a) => `${a.skipped ? 'skip' : a.error ? 'FAIL' : 'pass'} ${a.assertion}${a.error ? ` — ${a.error.message}` : ''}`),
    }));
    // Only assertion failures: a script error in newman would make the comparison meaningless.
    expect(newmanSummary.run.failures.filter((f) => f.error.name !== 'AssertionError')).toEqual([]);

    const ours = await runCollection(collection, {
      environment: Object.fromEntries(environment.values.map((v) => [v.key, v.current])),
      baseUrl: 'http://unused.invalid',
    });
    const mine = ours.results.map((result) => ({
      request: result.item.name,
      tests: result.tests.map((t) => `${t.skipped ? 'skip' : t.passed ? 'pass' : 'FAIL'} ${t.name}${t.error ? ` — ${t.error.message}` : ''}`),
    }));
    expect(ours.errors).toBe(0);

    expect(mine).toEqual(theirs);
    const all = mine.flatMap((r) => r.tests);
    expect(all.filter((t) => t.startsWith('pass')).length).toBeGreaterThanOrEqual(10);
    // The messages match too, so a learner reads the same explanation in the lab as in Postman.
    expect(all.filter((t) => t.startsWith('FAIL'))).toEqual([
      "FAIL deliberately failing: role is student — expected 'admin' to deeply equal 'student'",
      'FAIL deliberately failing: status 201 — expected response to have status code 201 but got 200',
    ]);
    expect(all).toContain('skip skipped for now');
    expect(all).toContain('pass sendRequest finds the first course');
    expect(ours).toMatchObject({ requests: 4, failed: 2, skipped: 1 });
  });
});
