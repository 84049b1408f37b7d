import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
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
  });
});
