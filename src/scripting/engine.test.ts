import { describe, expect, it } from 'vitest';
import { runScript } from './engine.ts';
import { emptyScopes, type ScriptInput, type ScriptRequest, type ScriptResponse } from './types.ts';

const jsonResponse = (body: unknown, code = 200, status = 'OK'): ScriptResponse => {
  const text = JSON.stringify(body);
  return { code, status, headers: [{ key: 'Content-Type', value: 'application/json; charset=utf-8' }, { key: 'X-Request-Id', value: 'abc' }], body: text, responseTime: 12, size: new TextEncoder().encode(text).byteLength };
};

const baseRequest = (): ScriptRequest => ({ method: 'POST', url: '{{baseUrl}}/api/courses?page=1', headers: [{ key: 'Accept', value: 'application/json' }], body: { mode: 'json', raw: '{"title":"x"}' } });

function run(code: string, overrides: Partial<ScriptInput> = {}) {
  const lines: { level: string; text: string }[] = [];
  const input: ScriptInput = {
    kind: 'test',
    code,
    request: baseRequest(),
    response: jsonResponse({ data: [{ id: 1, title: 'SQL' }], total: 1 }),
    scopes: emptyScopes(),
    info: { requestName: 'List courses', requestId: 'req-1', iteration: 0 },
    sendRequest: async (request) => jsonResponse({ echoed: request.url, method: request.method, headers: request.headers, body: request.body }),
    console: (level, text) => lines.push({ level, text }),
    ...overrides,
  };
  return runScript(input).then((output) => ({ ...output, lines }));
}

describe('pm.test', () => {
  it('records passing and failing tests in order, a failure being no script error', async () => {
    const out = await run(`
      pm.test('passes', () => pm.expect(1).to.equal(1));
      pm.test('fails', () => pm.expect({ a: 1 }).to.deep.equal({ a: 2 }));
      pm.test('also passes', function () {});
    `);
    expect(out.error).toBeUndefined();
    expect(out.tests.map((t) => [t.name, t.passed])).toEqual([['passes', true], ['fails', false], ['also passes', true]]);
    expect(out.tests[1]!.error).toMatchObject({ name: 'AssertionError', expected: '{\n  "a": 2\n}', actual: '{\n  "a": 1\n}', showDiff: true });
    expect(out.tests[1]!.error!.message).toContain('expected { a: 1 } to deeply equal { a: 2 }');
  });

  it('a non-assertion throw fails the test with its own name and no diff', async () => {
    const out = await run(`pm.test('boom', () => { null.x });`);
    expect(out.tests[0]).toMatchObject({ passed: false, error: { name: 'TypeError', showDiff: false } });
    expect(out.error).toBeUndefined();
  });

  it('waits for async tests: returned promises and done callbacks', async () => {
    const out = await run(`
      pm.test('async ok', async () => { await new Promise((r) => setTimeout(r, 20)); pm.expect(2).to.equal(2); });
      pm.test('async fails', async () => { await null; pm.expect(2).to.equal(3); });
      pm.test('done ok', (done) => { setTimeout(() => { pm.expect(true).to.be.true; done(); }, 10); });
      pm.test('done with error', (done) => { setTimeout(() => done(new Error('late')), 5); });
      pm.test('done throws at once', (done) => { throw new Error('early'); });
    `);
    expect(out.tests.map((t) => [t.name, t.passed])).toEqual([
      ['async ok', true],
      ['async fails', false],
      ['done ok', true],
      ['done with error', false],
      ['done throws at once', false],
    ]);
    expect(out.tests[1]!.error).toMatchObject({ expected: '3', actual: '2' });
    expect(out.tests[3]!.error!.message).toBe('late');
  });

  it('pm.test.skip and a test without a function are skipped', async () => {
    const out = await run(`pm.test.skip('later', () => { throw new Error('not run') }); pm.test('no function');`);
    expect(out.tests).toEqual([{ name: 'later', passed: true, skipped: true }, { name: 'no function', passed: true, skipped: true }]);
  });

  it('legacy tests["…"] = condition', async () => {
    const out = await run(`tests['is 200'] = responseCode.code === 200; tests['is 201'] = responseCode.code === 201;`);
    expect(out.tests.map((t) => [t.name, t.passed])).toEqual([['is 200', true], ['is 201', false]]);
  });
});

describe('script errors', () => {
  it('a syntax error gives its line in the user script', async () => {
    const out = await run(`pm.test('a', () => {});\n\nconst x = {\n  a: 1,,\n};`);
    expect(out.error).toMatchObject({ name: 'SyntaxError', line: 4 });
    expect(out.tests).toEqual([]);
  });

  it('an unclosed bracket points at the last line typed', async () => {
    const out = await run(`pm.test('a', () => {\n  pm.expect(1).to.equal(1);\n`);
    expect(out.error).toMatchObject({ name: 'SyntaxError', line: 2 });
  });

  it('an uncaught throw gives its line, and tests recorded before it are kept', async () => {
    const out = await run(`pm.test('before', () => {});\nconst body = pm.response.json();\nbody.missing.deeper = 1;\npm.test('after', () => {});`);
    expect(out.error).toMatchObject({ name: 'TypeError', line: 3 });
    expect(out.error!.message).toMatch(/deeper|undefined/);
    expect(out.tests.map((t) => t.name)).toEqual(['before']);
  });

  it('a throw inside a sendRequest callback is a script error too', async () => {
    const out = await run(`pm.sendRequest('/x', (err, res) => {\n  throw new RangeError('in callback');\n});`);
    expect(out.error).toMatchObject({ name: 'RangeError', message: 'in callback', line: 2 });
  });

  it('pm.response.json() on text throws a JSONError', async () => {
    const out = await run(`pm.response.json();`, { response: { ...jsonResponse({}), body: 'not json' } });
    expect(out.error).toMatchObject({ name: 'JSONError', line: 1 });
  });
});

describe('pm.response', () => {
  it('exposes code, status, headers, body, time and size', async () => {
    const out = await run(`
      pm.test('fields', () => {
        pm.expect(pm.response.code).to.equal(200);
        pm.expect(pm.response.status).to.equal('OK');
        pm.expect(pm.response.headers.get('content-type')).to.include('application/json');
        pm.expect(pm.response.headers.get('CONTENT-TYPE')).to.include('json');
        pm.expect(pm.response.headers.has('x-request-id')).to.be.true;
        pm.expect(pm.response.headers.has('x-nope')).to.be.false;
        pm.expect(pm.response.headers.toObject()['X-Request-Id']).to.equal('abc');
        pm.expect(pm.response.json().data[0].title).to.equal('SQL');
        pm.expect(pm.response.text()).to.equal('{"data":[{"id":1,"title":"SQL"}],"total":1}');
        pm.expect(pm.response.responseTime).to.equal(12);
        pm.expect(pm.response.responseSize).to.equal(43);
      });
    `);
    expect(out.tests[0]).toEqual({ name: 'fields', passed: true });
  });

  it('has chai-postman assertions, negatable', async () => {
    const out = await run(`
      pm.test('status', () => pm.response.to.have.status(200));
      pm.test('reason', () => pm.response.to.have.status('OK'));
      pm.test('header', () => pm.response.to.have.header('X-Request-Id'));
      pm.test('header value', () => pm.response.to.have.header('x-request-id', 'abc'));
      pm.test('jsonBody', () => pm.response.to.have.jsonBody());
      pm.test('jsonBody path', () => pm.response.to.have.jsonBody('data[0].title'));
      pm.test('jsonBody path value', () => pm.response.to.have.jsonBody('total', 1));
      pm.test('body', () => pm.response.to.have.body('{"data":[{"id":1,"title":"SQL"}],"total":1}'));
      pm.test('ok', () => pm.response.to.be.ok);
      pm.test('success', () => pm.response.to.be.success);
      pm.test('json', () => pm.response.to.be.json);
      pm.test('not client error', () => pm.response.to.not.be.clientError);
      pm.test('not server error', () => pm.response.to.not.be.serverError);
      pm.test('not error', () => pm.response.to.not.be.error);
      pm.test('expect form', () => pm.expect(pm.response).to.have.status(200));
      pm.test('plain chai ok still works', () => pm.expect(1).to.be.ok);
      pm.test('wrong status', () => pm.response.to.have.status(201));
      pm.test('wrong header', () => pm.response.to.have.header('x-nope'));
      pm.test('wrong path value', () => pm.response.to.have.jsonBody('total', 2));
      pm.test('not ok', () => pm.response.to.not.be.ok);
    `);
    const failed = out.tests.filter((t) => !t.passed).map((t) => t.name);
    expect(failed).toEqual(['wrong status', 'wrong header', 'wrong path value', 'not ok']);
    expect(out.tests.find((t) => t.name === 'wrong status')!.error).toMatchObject({ message: 'expected response to have status code 201 but got 200', expected: '201', actual: '200', showDiff: true });
  });

  it('status classes for 4xx and 5xx', async () => {
    const out = await run(
      `pm.test('client', () => pm.response.to.be.clientError);
       pm.test('error', () => pm.response.to.be.error);
       pm.test('not success', () => pm.response.to.not.be.success);
       pm.test('server', () => pm.response.to.be.serverError);
       pm.test('reason', () => pm.response.to.have.status('Not Found'));`,
      { response: jsonResponse({ status: 404 }, 404, 'Not Found') },
    );
    expect(out.tests.map((t) => t.passed)).toEqual([true, true, true, false, true]);
  });
});

describe('variables', () => {
  const scopes = () => ({
    globals: { shared: 'global', onlyGlobal: 'g' },
    collection: { shared: 'collection', onlyCollection: 'c' },
    environment: { shared: 'environment', baseUrl: 'http://localhost:3000' },
    data: { shared: 'data', row: '7' },
    local: {},
  });

  it('pm.variables.get resolves local > data > environment > collection > globals; set writes local', async () => {
    const out = await run(
      `pm.test('precedence', () => {
        pm.expect(pm.variables.get('shared')).to.equal('data');
        pm.expect(pm.variables.get('onlyCollection')).to.equal('c');
        pm.expect(pm.variables.get('onlyGlobal')).to.equal('g');
        pm.expect(pm.variables.get('nothing')).to.be.undefined;
        pm.variables.set('shared', 'local');
        pm.expect(pm.variables.get('shared')).to.equal('local');
        pm.expect(pm.variables.has('row')).to.be.true;
        pm.expect(pm.variables.toObject().shared).to.equal('local');
        pm.expect(pm.variables.replaceIn('{{baseUrl}}/x/{{row}}/{{unknown}}')).to.equal('http://localhost:3000/x/7/{{unknown}}');
      });`,
      { scopes: scopes() },
    );
    expect(out.tests[0]).toEqual({ name: 'precedence', passed: true });
    expect(out.scopes.local).toEqual({ shared: 'local' });
  });

  it('environment, collectionVariables and globals: get/set/unset/has/toObject/clear, input not mutated', async () => {
    const input = scopes();
    const out = await run(
      `pm.environment.set('token', 'abc');
       pm.environment.set('count', 3);
       pm.environment.set('obj', { a: 1 });
       pm.environment.unset('shared');
       pm.collectionVariables.set('c2', 'x');
       pm.collectionVariables.clear();
       pm.collectionVariables.set('after', 'clear');
       pm.globals.set('g2', true);
       pm.test('reads', () => {
         pm.expect(pm.environment.get('token')).to.equal('abc');
         pm.expect(pm.environment.has('shared')).to.be.false;
         pm.expect(pm.environment.toObject()).to.have.property('count', '3');
         pm.expect(pm.iterationData.get('row')).to.equal('7');
         pm.expect(pm.iterationData.toObject()).to.deep.equal({ shared: 'data', row: '7' });
         pm.expect(pm.iterationData.set).to.be.undefined;
         pm.expect(pm.environment.replaceIn('{{token}} {{onlyGlobal}}')).to.equal('abc {{onlyGlobal}}');
       });`,
      { scopes: input },
    );
    expect(out.tests[0]).toEqual({ name: 'reads', passed: true });
    expect(out.scopes.environment).toEqual({ baseUrl: 'http://localhost:3000', token: 'abc', count: '3', obj: '{"a":1}' });
    expect(out.scopes.collection).toEqual({ after: 'clear' });
    expect(out.scopes.globals).toEqual({ shared: 'global', onlyGlobal: 'g', g2: 'true' });
    expect(input).toEqual(scopes());
  });

  it('legacy postman.setEnvironmentVariable', async () => {
    const out = await run(`postman.setEnvironmentVariable('a', 'b'); postman.setGlobalVariable('c', 'd');`);
    expect(out.scopes.environment).toEqual({ a: 'b' });
    expect(out.scopes.globals).toEqual({ c: 'd' });
  });
});

describe('pm.request', () => {
  it('a pre-request script reads and changes the request', async () => {
    const out = await run(
      `pm.request.headers.add({ key: 'X-Added', value: '1' });
       pm.request.headers.upsert({ key: 'accept', value: 'text/plain' });
       pm.request.headers.add({ key: 'X-Doomed', value: 'x' });
       pm.request.headers.remove('x-doomed');
       console.log(pm.request.url.toString(), pm.request.method, pm.request.headers.get('Accept'), pm.request.body.raw, pm.request.url.getPath());
       pm.request.url.query.upsert({ key: 'page', value: '2' });
       pm.request.url = pm.request.url.toString() + '&limit=5';
       pm.request.method = 'put';
       pm.request.body.raw = JSON.stringify({ title: 'changed' });`,
      { kind: 'prerequest', response: undefined },
    );
    expect(out.error).toBeUndefined();
    expect(out.lines).toEqual([{ level: 'log', text: '{{baseUrl}}/api/courses?page=1 POST text/plain {"title":"x"} /api/courses' }]);
    expect(out.request).toEqual({
      method: 'PUT',
      url: '{{baseUrl}}/api/courses?page=2&limit=5',
      headers: [{ key: 'Accept', value: 'text/plain' }, { key: 'X-Added', value: '1' }],
      body: { mode: 'json', raw: '{"title":"changed"}' },
    });
  });

  it('a test script cannot change the request, and pm.info tells the event', async () => {
    const out = await run(`console.log(pm.info.eventName, pm.info.requestName, pm.info.requestId, pm.info.iteration);\npm.request.headers.add({ key: 'x', value: 'y' });`);
    expect(out.lines[0]!.text).toBe('test List courses req-1 0');
    expect(out.error).toMatchObject({ name: 'TypeError', line: 2 });
  });

  it('body.update switches to a urlencoded form', async () => {
    const out = await run(`pm.request.body.update({ mode: 'urlencoded', urlencoded: [{ key: 'a', value: '1' }] }); pm.request.body.urlencoded.add({ key: 'b', value: '2' });`, { kind: 'prerequest' });
    expect(out.request.body).toEqual({ mode: 'urlencoded', fields: [{ key: 'a', value: '1', enabled: true }, { key: 'b', value: '2', enabled: true }] });
  });
});

describe('pm.sendRequest', () => {
  it('with a callback, and as a promise; the run waits for both', async () => {
    const out = await run(`
      pm.sendRequest('http://example.test/one', (err, res) => {
        pm.test('callback', () => { pm.expect(err).to.equal(null); pm.expect(res.code).to.equal(200); pm.expect(res.json().echoed).to.equal('http://example.test/one'); });
      });
      const res = await pm.sendRequest({ url: 'http://example.test/two', method: 'post', header: { 'X-A': '1' }, body: { mode: 'raw', raw: '{"a":1}', options: { raw: { language: 'json' } } } });
      pm.test('promise', () => {
        pm.expect(res.json()).to.deep.include({ method: 'POST', headers: [{ key: 'X-A', value: '1' }], body: { mode: 'json', raw: '{"a":1}' } });
        pm.expect(res.headers.get('content-type')).to.include('json');
        pm.expect(res).to.have.status(200);
      });
      pm.sendRequest('http://example.test/three').then((r) => pm.test('not awaited', () => pm.expect(r.code).to.equal(200)));
    `);
    expect(out.error).toBeUndefined();
    expect(out.tests.map((t) => [t.name, t.passed])).toEqual([['callback', true], ['promise', true], ['not awaited', true]]);
  });

  it('a failed send gives the callback an error', async () => {
    const out = await run(`pm.sendRequest('http://down.test', (err, res) => { pm.test('got error', () => { pm.expect(err.message).to.equal('refused'); pm.expect(res).to.be.undefined; }); });`, {
      sendRequest: async () => {
        throw new Error('refused');
      },
    });
    expect(out.tests).toEqual([{ name: 'got error', passed: true }]);
  });
});

describe('console', () => {
  it('formats like a browser console and keeps the level', async () => {
    const out = await run(`console.log('text', 1, { a: [1, 2] }, null, undefined, true);
      console.info('%s is %d years', 'Ada', 36.6);
      console.warn(new Error('careful'));
      console.error(['x']);`);
    expect(out.lines).toEqual([
      { level: 'log', text: 'text 1 {\n  "a": [\n    1,\n    2\n  ]\n} null undefined true' },
      { level: 'info', text: 'Ada is 36 years' },
      { level: 'warn', text: 'Error: careful' },
      { level: 'error', text: '[\n  "x"\n]' },
    ]);
  });
});

describe('timers', () => {
  it('the run waits for setTimeout callbacks', async () => {
    const out = await run(`setTimeout(() => pm.environment.set('late', 'yes'), 30);`);
    expect(out.scopes.environment).toEqual({ late: 'yes' });
  });
});
