import { describe, expect, it } from 'vitest';
import type { Collection, Item } from './model.ts';
import { COLLECTION_SCHEMA_V21, exportCollection, exportEnvironment, importCollection, importCollectionReport, importEnvironment } from './postman.ts';

/** A collection as a learner builds it in the lab. */
export function realisticCollection(): Collection {
  return {
    id: 'c1',
    name: 'Backend Lab API',
    scripts: { preRequest: "pm.variables.set('started', Date.now());", tests: "pm.test('answers fast', () => pm.expect(pm.response.responseTime).to.be.below(5000));" },
    variables: [
      { key: 'baseUrl', value: 'http://localhost:3000', enabled: true },
      { key: 'unused', value: 'x', enabled: false },
    ],
    items: [
      {
        kind: 'request',
        id: 'r1',
        name: 'Log in',
        method: 'POST',
        url: '{{baseUrl}}/api/auth/login',
        headers: [{ key: 'Accept', value: 'application/json', enabled: true }],
        body: { mode: 'json', raw: '{\n  "email": "{{email}}",\n  "password": "{{password}}"\n}' },
        auth: { type: 'none' },
        scripts: { preRequest: '', tests: 'pm.test("logged in", () => pm.response.to.have.status(200));\npm.environment.set("token", pm.response.json().accessToken);\n' },
      },
      {
        kind: 'folder',
        id: 'f1',
        name: 'Courses',
        scripts: { preRequest: "console.log('courses folder');", tests: '' },
        items: [
          {
            kind: 'request',
            id: 'r2',
            name: 'List courses',
            method: 'GET',
            url: '{{baseUrl}}/api/courses?page=1&limit=5',
            params: [
              { key: 'page', value: '1', enabled: true },
              { key: 'debug', value: 'true', enabled: false },
              { key: 'limit', value: '5', enabled: true },
            ],
            headers: [{ key: 'X-Debug', value: '1', enabled: false }],
            body: { mode: 'none' },
            auth: { type: 'bearer', token: '{{token}}' },
            scripts: { preRequest: '', tests: 'pm.test("list", () => pm.response.to.have.jsonBody("data"));' },
          },
          {
            kind: 'folder',
            id: 'f2',
            name: 'Forms',
            scripts: { preRequest: '', tests: '' },
            items: [
              {
                kind: 'request',
                id: 'r3',
                name: 'Form post',
                method: 'POST',
                url: 'http://example.test/form',
                headers: [],
                body: { mode: 'urlencoded', fields: [{ key: 'a', value: '{{$randomInt}}', enabled: true }, { key: 'b', value: '2', enabled: false }] },
                auth: { type: 'none' },
                scripts: { preRequest: '', tests: '' },
              },
              {
                kind: 'request',
                id: 'r4',
                name: 'Text post',
                method: 'PUT',
                url: 'http://example.test/text',
                headers: [],
                body: { mode: 'text', raw: 'plain words' },
                auth: { type: 'basic', username: '{{user}}', password: 'pä$$' },
                scripts: { preRequest: '', tests: '' },
              },
              {
                kind: 'request',
                id: 'r5',
                name: 'Multipart',
                method: 'POST',
                url: 'http://example.test/upload',
                headers: [],
                body: { mode: 'formdata', fields: [{ key: 'title', value: '{{title}}', enabled: true }, { key: 'draft', value: 'yes', enabled: false }] },
                auth: { type: 'apikey', key: 'api_key', value: '{{apiKey}}', in: 'query' },
                scripts: { preRequest: '', tests: '' },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The collection with every id blanked, to compare what import and export must preserve. */
function withoutIds(collection: Collection) {
  const strip = (items: Item[]): unknown[] => items.map((item) => (item.kind === 'folder' ? { ...item, id: '', items: strip(item.items) } : { ...item, id: '' }));
  return { ...collection, id: '', items: strip(collection.items) };
}

describe('exportCollection', () => {
  it('writes valid v2.1 with scripts, variables, auth and bodies', () => {
    const json = exportCollection(realisticCollection()) as any;
    expect(json.info).toMatchObject({ name: 'Backend Lab API', schema: COLLECTION_SCHEMA_V21 });
    expect(json.variable).toEqual([
      { key: 'baseUrl', value: 'http://localhost:3000', type: 'string' },
      { key: 'unused', value: 'x', type: 'string', disabled: true },
    ]);
    expect(json.event.map((e: any) => e.listen)).toEqual(['prerequest', 'test']);
    const login = json.item[0];
    expect(login.request.url.raw).toBe('{{baseUrl}}/api/auth/login');
    expect(login.request.body).toMatchObject({ mode: 'raw', options: { raw: { language: 'json' } } });
    expect(login.event[0].script.exec).toEqual(['pm.test("logged in", () => pm.response.to.have.status(200));', 'pm.environment.set("token", pm.response.json().accessToken);', '']);
    const list = json.item[1].item[0];
    expect(list.request.auth).toEqual({ type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] });
    expect(list.request.header).toEqual([{ key: 'X-Debug', value: '1', disabled: true }]);
    // Postman keeps a disabled query parameter in the URL's query list, not in raw.
    expect(list.request.url.raw).toBe('{{baseUrl}}/api/courses?page=1&limit=5');
    expect(list.request.url.query).toEqual([{ key: 'page', value: '1' }, { key: 'debug', value: 'true', disabled: true }, { key: 'limit', value: '5' }]);
    expect(json.item[1].item[1].item[0].request.body).toEqual({ mode: 'urlencoded', urlencoded: [{ key: 'a', value: '{{$randomInt}}' }, { key: 'b', value: '2', disabled: true }] });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('round trip: import(export(x)) is x except ids', () => {
    const original = realisticCollection();
    const again = importCollection(exportCollection(original));
    expect(withoutIds(again)).toEqual(withoutIds(original));
    expect(again.id).not.toBe(original.id);
  });
});

describe('importCollection', () => {
  it('reads a v2.1 file as Postman exports it, with inherited collection auth', () => {
    const file = {
      info: {
        _postman_id: '8d1f6c8e-1111-4a4a-9b9b-123456789abc',
        name: 'Shop',
        schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
        _exporter_id: '123456',
      },
      item: [
        {
          name: 'Orders',
          item: [
            {
              name: 'Create order',
              event: [
                { listen: 'prerequest', script: { exec: ["pm.variables.set('qty', 2);"], type: 'text/javascript', packages: {} } },
                { listen: 'test', script: { exec: ['pm.test("Status code is 201", function () {', '    pm.response.to.have.status(201);', '});'], type: 'text/javascript', packages: {} } },
              ],
              request: {
                method: 'POST',
                header: [{ key: 'Content-Type', value: 'application/json', type: 'text' }],
                body: { mode: 'raw', raw: '{\n    "courseId": 1,\n    "quantity": {{qty}}\n}', options: { raw: { language: 'json' } } },
                url: { raw: '{{baseUrl}}/api/orders', host: ['{{baseUrl}}'], path: ['api', 'orders'] },
              },
              response: [],
            },
            {
              name: 'Public list',
              request: { auth: { type: 'noauth' }, method: 'GET', header: [], url: { raw: '{{baseUrl}}/api/courses?q=sql', host: ['{{baseUrl}}'], path: ['api', 'courses'], query: [{ key: 'q', value: 'sql' }] } },
              response: [],
            },
            {
              name: 'Login form',
              request: {
                method: 'POST',
                header: [],
                body: { mode: 'urlencoded', urlencoded: [{ key: 'email', value: 'a@b.c', type: 'text' }, { key: 'old', value: 'x', type: 'text', disabled: true }] },
                url: { raw: 'https://example.test/login', protocol: 'https', host: ['example', 'test'], path: ['login'] },
              },
              response: [],
            },
          ],
          event: [{ listen: 'test', script: { type: 'text/javascript', exec: ['console.log(pm.info.requestName);'] } }],
        },
      ],
      auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{token}}', type: 'string' }] },
      event: [{ listen: 'prerequest', script: { type: 'text/javascript', packages: {}, exec: [''] } }],
      variable: [{ key: 'baseUrl', value: 'http://localhost:3000', type: 'string' }],
    };
    const collection = importCollection(file);
    expect(collection.name).toBe('Shop');
    expect(collection.variables).toEqual([{ key: 'baseUrl', value: 'http://localhost:3000', enabled: true }]);
    expect(collection.scripts).toEqual({ preRequest: '', tests: '' });
    const folder = collection.items[0]!;
    if (folder.kind !== 'folder') throw new Error('expected a folder');
    expect(folder.scripts.tests).toBe('console.log(pm.info.requestName);');
    const [create, list, form] = folder.items as Extract<Item, { kind: 'request' }>[];
    expect(create).toMatchObject({
      kind: 'request',
      name: 'Create order',
      method: 'POST',
      url: '{{baseUrl}}/api/orders',
      headers: [{ key: 'Content-Type', value: 'application/json', enabled: true }],
      body: { mode: 'json', raw: '{\n    "courseId": 1,\n    "quantity": {{qty}}\n}' },
      auth: { type: 'bearer', token: '{{token}}' },
      scripts: { preRequest: "pm.variables.set('qty', 2);", tests: 'pm.test("Status code is 201", function () {\n    pm.response.to.have.status(201);\n});' },
    });
    expect(create!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(list).toMatchObject({ url: '{{baseUrl}}/api/courses?q=sql', auth: { type: 'none' }, body: { mode: 'none' } });
    expect(form).toMatchObject({ url: 'https://example.test/login', body: { mode: 'urlencoded', fields: [{ key: 'email', value: 'a@b.c', enabled: true }, { key: 'old', value: 'x', enabled: false }] } });
  });

  it('keeps what it can of auth and bodies the lab has no exact match for, and says what it dropped', () => {
    const { collection, notImported } = importCollectionReport({
      info: { name: 'Mixed', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        {
          name: 'Upload',
          request: { method: 'POST', url: 'http://x.test/up', body: { mode: 'formdata', formdata: [{ key: 'title', value: 'Hi', type: 'text' }, { key: 'avatar', type: 'file', src: '/tmp/a.png' }] } },
          response: [{ name: 'ok', code: 200, body: '{}' }],
        },
        { name: 'OAuth', request: { method: 'GET', url: 'http://x.test/o', auth: { type: 'oauth2', oauth2: [{ key: 'accessToken', value: 't', type: 'string' }] } } },
        { name: 'Key', request: { method: 'GET', url: 'http://x.test/k', auth: { type: 'apikey', apikey: [{ key: 'key', value: 'X-Key' }, { key: 'value', value: 'secret' }] } } },
        { name: 'Basic', request: { method: 'GET', url: 'http://x.test/b', auth: { type: 'basic', basic: [{ key: 'username', value: 'ada' }, { key: 'password', value: 'pw' }] } } },
        { name: 'Graph', request: { method: 'POST', url: 'http://x.test/g', body: { mode: 'graphql', graphql: { query: '{ me { id } }', variables: '{"a": 1}' } } } },
        { name: 'Binary', request: { method: 'POST', url: 'http://x.test/f', body: { mode: 'file', file: { src: '/tmp/x.bin' } } } },
      ],
    });
    const [upload, oauth, key, basic, graph, binary] = collection.items as Extract<Item, { kind: 'request' }>[];
    expect(upload!.body).toEqual({ mode: 'formdata', fields: [{ key: 'title', value: 'Hi', enabled: true }] });
    expect(oauth!.auth).toEqual({ type: 'none' });
    expect(key!.auth).toEqual({ type: 'apikey', key: 'X-Key', value: 'secret', in: 'header' });
    expect(basic!.auth).toEqual({ type: 'basic', username: 'ada', password: 'pw' });
    expect(JSON.parse((graph!.body as { raw: string }).raw)).toEqual({ query: '{ me { id } }', variables: { a: 1 } });
    expect(binary!.body).toEqual({ mode: 'none' });
    expect(notImported).toEqual(['"Upload": 1 saved example response', '"Upload": the file field "avatar"', '"OAuth": oauth2 auth (the lab has Bearer, Basic and API key)', '"Binary": a file body']);
  });

  it('reads v2.0 (string URLs, auth as an object)', () => {
    const collection = importCollection({
      info: { name: 'Old', schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
      item: [{ name: 'Me', request: { url: '{{baseUrl}}/api/me', method: 'GET', auth: { type: 'bearer', bearer: { token: '{{token}}' } } } }],
    });
    expect(collection.items[0]).toMatchObject({ name: 'Me', method: 'GET', url: '{{baseUrl}}/api/me', auth: { type: 'bearer', token: '{{token}}' } });
  });

  it('refuses what is not a v2 collection, saying why', () => {
    expect(() => importCollection('nope')).toThrow('This is not a Postman collection: expected a JSON object.');
    expect(() => importCollection({ name: 'x', values: [] })).toThrow(/expected "info" and an "item" list/);
    expect(() => importCollection({ id: 'x', name: 'v1', order: [], requests: [] })).toThrow(/Collection v1 file, which is not supported/);
    expect(() => importCollection({ info: { name: 'x', schema: 'https://schema.getpostman.com/json/collection/v3.0.0/collection.json' }, item: [] })).toThrow(/Unsupported collection schema/);
  });
});

describe('environments', () => {
  it('imports values and exports initial values only', () => {
    const environment = importEnvironment({
      id: 'e1',
      name: 'Local',
      values: [
        { key: 'baseUrl', value: 'http://localhost:3000', type: 'default', enabled: true },
        { key: 'token', value: '', type: 'secret', enabled: false },
        { key: 'port', value: 3000 },
      ],
      _postman_variable_scope: 'environment',
    });
    expect(environment.name).toBe('Local');
    expect(environment.values).toEqual([
      { key: 'baseUrl', initial: 'http://localhost:3000', current: 'http://localhost:3000', enabled: true },
      { key: 'token', initial: '', current: '', enabled: false },
      { key: 'port', initial: '3000', current: '3000', enabled: true },
    ]);
    const changed = { ...environment, values: environment.values.map((v) => (v.key === 'token' ? { ...v, current: 'secret-jwt' } : v)) };
    const exported = exportEnvironment(changed) as any;
    expect(exported).toMatchObject({ name: 'Local', _postman_variable_scope: 'environment' });
    expect(exported.values[1]).toEqual({ key: 'token', value: '', type: 'default', enabled: false });
    expect(JSON.stringify(exported)).not.toContain('secret-jwt');
    const again = importEnvironment(exported);
    expect(again.values).toEqual(environment.values);
  });

  it('refuses a file without values', () => {
    expect(() => importEnvironment({ info: {}, item: [] })).toThrow('This is not a Postman environment');
  });
});
