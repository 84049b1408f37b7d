import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttp } from './http.ts';
import type { LabRequest } from './model.ts';
import { absoluteUrl, resolveRequest } from './resolve.ts';
import { emptyScopes } from './types.ts';

const request = (overrides: Partial<LabRequest> = {}): LabRequest => ({
  id: 'r1',
  name: 'Create course',
  method: 'post',
  url: '{{base}}/api/courses?q={{term}}',
  headers: [
    { key: 'X-Trace', value: '{{trace}}', enabled: true },
    { key: 'X-Off', value: 'x', enabled: false },
  ],
  body: { mode: 'json', raw: '{"title":"{{title}}"}' },
  auth: { type: 'bearer', token: '{{token}}' },
  scripts: { preRequest: '', tests: '' },
  ...overrides,
});

const scopes = { ...emptyScopes(), environment: { base: 'http://api.test', term: 'sql', trace: 't-1', title: 'Joins', token: 'jwt.value' } };

describe('resolveRequest', () => {
  it('substitutes variables everywhere and adds auth and content type', () => {
    expect(resolveRequest(request(), scopes, 'http://lab.test')).toEqual({
      method: 'POST',
      url: 'http://api.test/api/courses?q=sql',
      headers: [
        { key: 'X-Trace', value: 't-1' },
        { key: 'Authorization', value: 'Bearer jwt.value' },
        { key: 'Content-Type', value: 'application/json' },
      ],
      body: { mode: 'json', raw: '{"title":"Joins"}' },
    });
  });

  it('keeps a content type and an Authorization header typed by hand', () => {
    const resolved = resolveRequest(
      request({ headers: [{ key: 'content-type', value: 'application/merge-patch+json', enabled: true }, { key: 'authorization', value: 'Basic x', enabled: true }] }),
      scopes,
      'http://lab.test',
    );
    expect(resolved.headers).toEqual([{ key: 'content-type', value: 'application/merge-patch+json' }, { key: 'authorization', value: 'Basic x' }]);
  });

  it('puts a relative URL on the base URL and encodes enabled form fields only', () => {
    const resolved = resolveRequest(
      request({
        url: '/api/auth/login',
        auth: { type: 'none' },
        headers: [],
        body: { mode: 'urlencoded', fields: [{ key: 'email', value: '{{title}}', enabled: true }, { key: 'off', value: '1', enabled: false }] },
      }),
      scopes,
      'http://lab.test:3000',
    );
    expect(resolved).toEqual({
      method: 'POST',
      url: 'http://lab.test:3000/api/auth/login',
      headers: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
      body: { mode: 'urlencoded', fields: [{ key: 'email', value: 'Joins', enabled: true }] },
    });
  });

  it('Basic auth as base64 of the UTF-8 bytes, unless an Authorization header was typed', () => {
    const basic = request({ headers: [], body: { mode: 'none' }, auth: { type: 'basic', username: '{{title}}', password: 'pä$$' } });
    expect(resolveRequest(basic, scopes, 'http://lab.test').headers).toEqual([{ key: 'Authorization', value: `Basic ${Buffer.from('Joins:pä$$', 'utf8').toString('base64')}` }]);
    const typed = { ...basic, headers: [{ key: 'authorization', value: 'Token mine', enabled: true }] };
    expect(resolveRequest(typed, scopes, 'http://lab.test').headers).toEqual([{ key: 'authorization', value: 'Token mine' }]);
  });

  it('an API key goes in its header or in the query string, before the #fragment', () => {
    const key = (where: 'header' | 'query') => request({ url: '{{base}}/x#top', headers: [], body: { mode: 'none' }, auth: { type: 'apikey', key: 'api key', value: '{{token}}', in: where } });
    expect(resolveRequest(key('header'), scopes, 'http://lab.test')).toMatchObject({ url: 'http://api.test/x#top', headers: [{ key: 'api key', value: 'jwt.value' }] });
    expect(resolveRequest(key('query'), scopes, 'http://lab.test')).toMatchObject({ url: 'http://api.test/x?api%20key=jwt.value#top', headers: [] });
  });

  it('form-data: fields resolved, and no content type of ours (fetch adds the boundary)', () => {
    const form = request({ headers: [], auth: { type: 'none' }, body: { mode: 'formdata', fields: [{ key: 'title', value: '{{title}}', enabled: true }, { key: 'off', value: 'x', enabled: false }] } });
    expect(resolveRequest(form, scopes, 'http://lab.test')).toMatchObject({ headers: [], body: { mode: 'formdata', fields: [{ key: 'title', value: 'Joins', enabled: true }] } });
  });

  it('absoluteUrl: schemes kept, bare hosts get http://', () => {
    expect(absoluteUrl('https://x.test/a', 'http://lab.test')).toBe('https://x.test/a');
    expect(absoluteUrl('localhost:3000/api', 'http://lab.test')).toBe('http://localhost:3000/api');
    expect(absoluteUrl('example.com/a', 'http://lab.test')).toBe('http://example.com/a');
    expect(absoluteUrl('api/me', 'http://lab.test/base/')).toBe('http://lab.test/base/api/me');
  });
});

describe('sendHttp', () => {
  let server: Server;
  let url: string;
  const received: { method?: string; headers: IncomingMessage['headers']; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/missing') {
          res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
          return;
        }
        res.writeHead(201, { 'content-type': 'text/plain; charset=utf-8', 'x-echo': req.headers['x-echo'] ?? '' }).end('héllo ✓');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends method, headers and body, and measures the response', async () => {
    const response = await sendHttp({ method: 'PUT', url: `${url}/x`, headers: [{ key: 'X-Echo', value: 'yes' }], body: { mode: 'urlencoded', fields: [{ key: 'a b', value: 'c&d', enabled: true }] } });
    expect(received.at(-1)).toMatchObject({ method: 'PUT', body: 'a+b=c%26d' });
    expect(response).toMatchObject({ code: 201, status: 'Created', body: 'héllo ✓', size: 10 });
    expect(response.headers).toContainEqual({ key: 'x-echo', value: 'yes' });
    expect(response.responseTime).toBeGreaterThanOrEqual(0);
  });

  it('sends form-data as multipart with its boundary', async () => {
    await sendHttp({ method: 'POST', url: `${url}/x`, headers: [], body: { mode: 'formdata', fields: [{ key: 'title', value: 'Joins ✓', enabled: true }] } });
    const { headers, body } = received.at(-1)!;
    expect(headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(body).toContain('name="title"');
    expect(body).toContain('Joins ✓');
  });

  it('an HTTP error is a response; GET sends no body', async () => {
    const response = await sendHttp({ method: 'GET', url: `${url}/missing`, headers: [], body: { mode: 'json', raw: '{}' } });
    expect(response).toMatchObject({ code: 404, status: 'Not Found', body: '{"status":404}' });
    expect(received.at(-1)!.body).toBe('');
  });

  it('a network error or a bad URL rejects with a clear message', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(sendHttp({ method: 'GET', url: `http://127.0.0.1:${port}/x`, headers: [], body: { mode: 'none' } })).rejects.toThrow(`Could not send GET http://127.0.0.1:${port}/x: ECONNREFUSED`);
    await expect(sendHttp({ method: 'GET', url: '{{base}}/x', headers: [], body: { mode: 'none' } })).rejects.toThrow('Invalid URL "{{base}}/x": is a {{variable}} undefined?');
  });
});
