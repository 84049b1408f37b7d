import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../helpers/databases.ts';
import { REDIS_TEST_URL, redisAvailable } from '../helpers/redis.ts';
import { GOOD_PASSWORD, isProblem, startTestServer, type TestServer, uniqueEmail } from '../helpers/server.ts';

const hasPostgres = testDialects().includes('postgres');
const hasRedis = await redisAvailable();
if (!hasPostgres) console.warn('!! instances.test.ts: PostgreSQL missing, two-instance test SKIPPED');

/** A class outgrows one process: two instances over one PostgreSQL database and one Redis. */
describe.runIf(hasPostgres && hasRedis)('two instances sharing PostgreSQL and Redis', () => {
  const prefix = `backend-lab-test:${randomBytes(4).toString('hex')}:`;
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: prefix, JWT_SECRET: randomBytes(32).toString('hex'), AUTH_RATE_LIMIT: '4' };
    a = await startTestServer('postgres', env, database);
    b = await startTestServer('postgres', env, database);
    // Both Redis clients connect asynchronously; wait until each reports ready.
    for (let i = 0; i < 100 && !(redisReady(a) && redisReady(b)); i++) await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
    const redis = new Redis(REDIS_TEST_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('a user registered on one instance logs in on the other, and its token works on both', async () => {
    const email = uniqueEmail();
    const registered = await a.request('POST', '/api/auth/register', { body: { email, password: GOOD_PASSWORD, name: 'Roaming' } });
    expect(registered.status).toBe(201);
    const login = await b.request('POST', '/api/auth/login', { body: { email, password: GOOD_PASSWORD } });
    expect(login.status).toBe(200);
    expect((await a.request('GET', '/api/me', { token: login.body.accessToken })).body.email).toBe(email);
    expect((await b.request('GET', '/api/me', { token: registered.body.accessToken })).body.email).toBe(email);
    // A refresh token issued by A rotates on B.
    expect((await b.request('POST', '/api/auth/refresh', { body: { refreshToken: registered.body.refreshToken } })).status).toBe(200);
  });

  it("either instance answers for a request's journey: traces are shared through Redis", async () => {
    const res = await a.request('GET', '/api/courses?limit=1');
    const id = res.headers.get('x-trace-id')!;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    let trace = await b.request('GET', `/api/traces/${id}`);
    for (let i = 0; i < 20 && trace.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 50));
      trace = await b.request('GET', `/api/traces/${id}`);
    }
    expect(trace.status).toBe(200);
    expect(trace.body.steps.map((s: { kind: string }) => s.kind)).toContain('sql');
  });

  it('code deployed on one instance is served by the other within a second, with the same data', async () => {
    const ws = (await a.request('POST', '/api/workspaces')).body as { id: string; key: string };
    const deploy = (server: TestServer, answer: string) =>
      server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source: `const app = require("express")();\napp.get("/v", async (req, res) => res.json({ v: ${JSON.stringify(answer)}, rows: await db.query("SELECT COUNT(*) AS n FROM t") }));\n` } });
    await a.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: { 'x-workspace-key': ws.key }, body: { sql: 'CREATE TABLE t (x INT)' } });
    await b.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: { 'x-workspace-key': ws.key }, body: { sql: 'INSERT INTO t VALUES (1)' } });
    expect((await deploy(a, 'one')).status).toBe(200);
    const first = (await b.request('GET', `/sandbox/${ws.id}/v`)).body;
    expect(first.v).toBe('one');
    expect(Number(first.rows[0].n)).toBe(1);
    expect((await deploy(a, 'two')).status).toBe(200);
    const deployedAt = Date.now();
    let seen = '';
    while (seen !== 'two' && Date.now() - deployedAt < 1000) {
      seen = (await b.request('GET', `/sandbox/${ws.id}/v`)).body.v;
    }
    expect(seen).toBe('two');
  });

  it('a reset on one instance reaches the other: its collections work on the emptied database', async () => {
    const ws = (await a.request('POST', '/api/workspaces')).body as { id: string; key: string };
    const key = { 'x-workspace-key': ws.key };
    const source = 'const app = require("express")();\napp.post("/notes", async (req, res) => res.status(201).json(await db.notes.insertOne({ text: "n" })));\napp.get("/notes", async (req, res) => res.json(await db.notes.find({})));\n';
    expect((await a.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: key, body: { source } })).status).toBe(200);
    expect((await b.request('POST', `/sandbox/${ws.id}/notes`)).status).toBe(201);
    const events = new Redis(REDIS_TEST_URL);
    const heard: unknown[] = [];
    events.on('message', (_channel: string, text: string) => heard.push(JSON.parse(text)));
    await events.subscribe(`${prefix}sandbox`);
    try {
      expect((await a.request('POST', `/api/workspaces/${ws.id}/reset`, { headers: key })).status).toBe(204);
      for (let i = 0; i < 40 && !heard.some(isReset(ws.id)); i++) await new Promise((r) => setTimeout(r, 25));
      expect(heard.some(isReset(ws.id)), 'the reset is published to the other instances').toBe(true);
    } finally {
      events.disconnect();
    }
    const listed = await b.request('GET', `/sandbox/${ws.id}/notes`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body).toEqual([]);
    expect((await b.request('POST', `/sandbox/${ws.id}/notes`)).status).toBe(201);
  });

  it('the auth limit holds across instances: counted in Redis, not per process', async () => {
    const redis = new Redis(REDIS_TEST_URL);
    for (const key of await redis.keys(`${prefix}*`)) await redis.del(key);
    const attempt = (server: TestServer) => server.request('POST', '/api/auth/login', { body: { email: 'nobody@example.test', password: 'wrong password!' } });
    const statuses = [(await attempt(a)).status, (await attempt(b)).status, (await attempt(a)).status, (await attempt(b)).status];
    expect(statuses).toEqual([401, 401, 401, 401]);
    // Alone, each instance has seen only two of the four: only a shared counter refuses the fifth.
    const fifth = await attempt(a);
    expect(isProblem(fifth, 429)).toBe(true);
    expect(isProblem(await attempt(b), 429)).toBe(true);
    expect((await redis.keys(`${prefix}rl:*`)).length).toBeGreaterThan(0);
    redis.disconnect();
  });
});

const isReset = (workspaceId: string) => (event: unknown) => (event as { type?: string; workspaceId?: string }).type === 'reset' && (event as { workspaceId?: string }).workspaceId === workspaceId;

function redisReady(server: TestServer) {
  return server.app.redisStatus() === 'ready';
}
