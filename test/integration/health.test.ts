import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { WEB_DIST } from '../../src/server/web-build.ts';
import { isProblem, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects())('health and framework errors (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  it('GET /health is 200 and /ready names the database', async () => {
    expect((await server.request('GET', '/health')).body).toEqual({ status: 'ok' });
    const ready = await server.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: dialect });
  });

  it('unknown route is a 404 problem', async () => {
    const res = await server.request('GET', '/api/nope');
    expect(isProblem(res, 404)).toBe(true);
  });

  it('every response carries X-Request-Id and security headers', async () => {
    const res = await server.request('GET', '/api/courses');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('refusals, unknown routes and the lab page carry them too; the script worker has its own CSP', async () => {
    for (const [method, path] of [['GET', '/api/me'], ['GET', '/nope'], ['POST', '/api/courses'], ['GET', '/']] as const) {
      const res = await server.request(method, path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
    }
    expect((await server.request('GET', '/')).headers.get('cache-control')).toBe('no-cache');
    const worker = fs.readdirSync(path.join(WEB_DIST, 'assets')).find((f) => f.startsWith('script-worker') && f.endsWith('.js'));
    expect(worker).toBeDefined();
    const res = await server.request('GET', `/assets/${worker}`);
    expect(res.headers.get('content-security-policy')).toContain("'unsafe-eval'");
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('answers Fastify gives before any hook (a bad URL, an over-long path segment) carry them too, as do 413 and 415', async () => {
    const cases = [
      ['GET', '/api/%zz', 400, undefined],
      ['GET', `/api/courses/${'9'.repeat(300)}`, 414, undefined],
      ['POST', '/api/auth/login', 415, { rawBody: 'email=a', headers: { 'content-type': 'text/plain' } }],
      ['POST', '/api/auth/login', 413, { rawBody: JSON.stringify({ email: 'x'.repeat(1100 * 1024) }), headers: { 'content-type': 'application/json' } }],
    ] as const;
    for (const [method, p, status, options] of cases) {
      const res = await server.request(method, p, options);
      expect(isProblem(res, status), res.text).toBe(true);
      expect(res.headers.get('x-request-id'), p).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), p).toContain("default-src 'self'");
      expect(res.headers.get('cache-control'), p).toBe('no-store');
    }
  });

  it('unknown routes count against the rate limit like any other', async () => {
    const limited = await startTestServer(dialect, { RATE_LIMIT: '3' });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await limited.request('GET', '/api/no-such-route');
        expect(res.status).toBe(404);
        expect(res.headers.get('ratelimit-remaining')).toBe(String(2 - i));
      }
      const over = await limited.request('GET', '/nowhere');
      expect(isProblem(over, 429), over.text).toBe(true);
      expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(over.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(over.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await limited.close();
    }
  });

  it('/ready is 503 when the database does not answer', async () => {
    const broken = await startTestServer(dialect);
    try {
      await broken.app.db.close();
      const res = await broken.request('GET', '/ready');
      expect(isProblem(res, 503), res.text).toBe(true);
      expect(res.body.detail).toBe('The database is not answering.');
      expect((await broken.request('GET', '/health')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});
