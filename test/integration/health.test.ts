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
});
