import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace, TraceStep } from '../../src/server/trace/types.ts';
import { testDialects } from '../helpers/databases.ts';
import { isProblem, loginAdmin, registerUser, startTestServer, type TestResponse, type TestServer } from '../helpers/server.ts';

const SECRET = randomBytes(32).toString('hex');

/** An HS256 token signed with the server's secret, with the claims given. */
function signToken(claims: Record<string, unknown>, secret = SECRET) {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe.each(testDialects())("a request's journey (%s)", (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { JWT_SECRET: SECRET });
  });
  afterAll(async () => server?.close());

  /** The trace named by a response's X-Trace-Id (stored as the response ends, so retried briefly). */
  async function traceOf(res: TestResponse): Promise<Trace> {
    const id = res.headers.get('x-trace-id');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (let i = 0; i < 20; i++) {
      const trace = await server.request('GET', `/api/traces/${id}`);
      if (trace.status === 200) return trace.body as Trace;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no trace ${id}`);
  }
  const step = (trace: Trace, kind: string) => trace.steps.find((s) => s.kind === kind) as TraceStep;
  const kinds = (trace: Trace) => trace.steps.map((s) => s.kind);

  it('a good request: received, rate-limited, validated, handled with its SQL, answered — in order and timed', async () => {
    const res = await server.request('GET', '/api/courses?limit=2&page=1');
    const trace = await traceOf(res);
    expect(trace).toMatchObject({ method: 'GET', path: '/api/courses', status: 200 });
    expect(kinds(trace)).toEqual(['receive', 'rate-limit', 'validate', 'handler', 'sql', 'sql', 'response']);
    for (const s of trace.steps) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.startMs + s.durationMs).toBeLessThanOrEqual(trace.durationMs + 0.05);
    }
    const starts = trace.steps.map((s) => s.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(step(trace, 'rate-limit')).toMatchObject({ outcome: 'allowed', detail: { bucket: 'global', limit: 100000, remaining: expect.any(Number) } });
    expect(step(trace, 'rate-limit').name).toBe(`100000 requests per minute: ${step(trace, 'rate-limit').detail.remaining} left`);
    expect(step(trace, 'receive').name).toBe('GET /api/courses');
    const sql = step(trace, 'sql');
    expect(sql.detail.sql).toMatch(/from "courses"/);
    // The page size is written into the SQL (see pageSize); the offset stays a parameter.
    expect(sql.detail.sql).toMatch(/limit 2 offset (\?|\$2)$/);
    expect(sql.detail.params).toEqual(['published', 0]);
    expect(sql.detail.rows).toBe(2);
    expect(step(trace, 'response').detail).toMatchObject({ status: 200, contentType: 'application/json', bytes: Buffer.byteLength(res.text) });
    expect(step(trace, 'response').name).toBe(`200 ${step(trace, 'response').detail.bytes} bytes`);
  });

  it('401: no token, an expired token and a bad signature are each told apart', async () => {
    const none = await traceOf(await server.request('GET', '/api/me'));
    expect(step(none, 'auth')).toMatchObject({ outcome: 'denied', detail: { explanation: expect.stringMatching(/^401: no access token was sent/) } });
    expect(kinds(none)).not.toContain('handler');

    const user = await registerUser(server);
    const now = Math.floor(Date.now() / 1000);
    const expired = signToken({ sub: String(user.user.id), tv: 0, iss: 'backend-lab', iat: now - 1000, exp: now - 180 });
    const late = await traceOf(await server.request('GET', '/api/me', { token: expired }));
    expect(step(late, 'auth')).toMatchObject({ outcome: 'denied', detail: { expiredSecondsAgo: expect.any(Number) } });
    expect(step(late, 'auth').detail.explanation).toBe('401: the token expired 3 minutes ago — log in again or refresh it');

    const forged = signToken({ sub: String(user.user.id), tv: 0, iss: 'backend-lab', iat: now, exp: now + 600 }, 'not the secret');
    const bad = await traceOf(await server.request('GET', '/api/me', { token: forged }));
    expect(step(bad, 'auth').detail.explanation).toMatch(/bad signature/);

    const good = await traceOf(await server.request('GET', '/api/me', { token: user.accessToken }));
    expect(step(good, 'auth')).toMatchObject({ outcome: 'allowed', name: `Bearer token of user ${user.user.id} (user)`, detail: { userId: user.user.id, role: 'user' } });
  });

  it('403: the authorization rule that refused is named', async () => {
    const user = await registerUser(server);
    const res = await server.request('POST', '/api/courses', { token: user.accessToken, body: { title: 'Mine', description: 'x', priceCents: 100 } });
    expect(isProblem(res, 403)).toBe(true);
    const trace = await traceOf(res);
    expect(step(trace, 'auth').outcome).toBe('allowed');
    expect(step(trace, 'authorize')).toMatchObject({ name: 'admin only', outcome: 'denied', detail: { explanation: expect.stringMatching(/^403: only admins may do this/) } });
    const admin = await loginAdmin(server);
    const allowed = await traceOf(await server.request('GET', '/api/users', { token: admin.accessToken }));
    expect(step(allowed, 'authorize')).toMatchObject({ name: 'admin only', outcome: 'allowed' });
    const orders = await traceOf(await server.request('GET', '/api/orders', { token: user.accessToken }));
    expect(step(orders, 'authorize')).toMatchObject({ name: 'owner only', outcome: 'allowed' });
  });

  it('400: each invalid field and its path; a body that is not JSON is refused at parse', async () => {
    const res = await server.request('POST', '/api/auth/register', { body: { email: 'not an email', password: 'short', name: 'X' } });
    const trace = await traceOf(res);
    const validate = step(trace, 'validate');
    expect(validate.outcome).toBe('denied');
    expect(validate.detail.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'password' }), expect.objectContaining({ path: 'email' })]));
    expect(validate.detail.explanation).toMatch(/^400: /);
    expect(step(trace, 'parse')).toMatchObject({ outcome: 'ok', detail: { contentType: 'application/json' } });
    expect(kinds(trace)).not.toContain('sql');

    const broken = await traceOf(await server.request('POST', '/api/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } }));
    expect(step(broken, 'parse')).toMatchObject({ outcome: 'denied', detail: { explanation: expect.stringMatching(/^400: /) } });
  });

  it('SQL steps show statements and rows; passwords, hashes and tokens never appear', async () => {
    const password = 'a very secret passphrase 77';
    const res = await server.request('POST', '/api/auth/register', { body: { email: `trace-${Date.now()}@example.test`, password, name: 'Trace' } });
    expect(res.status).toBe(201);
    const trace = await traceOf(res);
    const insert = trace.steps.find((s) => s.kind === 'sql' && /insert into "users"/.test(String(s.detail.sql)))!;
    expect(insert.detail.params).toContain('[redacted]');
    expect(insert.detail.rows).toBe(1);
    expect(trace.steps.some((s) => s.kind === 'handler' && /argon2id/.test(s.name))).toBe(true);

    const login = await server.request('POST', '/api/auth/login', { body: { email: res.body.user.email, password } });
    const refreshed = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    // The rotation runs in a transaction: its statements are steps too, the token hash redacted.
    const rotation = (await traceOf(refreshed)).steps.filter((s) => s.kind === 'sql').map((s) => s.detail);
    expect(rotation.map((d) => String(d.sql).split(' ').slice(0, 3).join(' '))).toEqual(expect.arrayContaining(['select * from', 'update "refresh_tokens" set', 'insert into "refresh_tokens"']));
    expect(rotation.find((d) => /^select \* from "refresh_tokens"/.test(String(d.sql)))).toMatchObject({ params: ['[redacted]'], rows: 1 });
    const me = await server.request('GET', '/api/me', { token: refreshed.body.accessToken, headers: { cookie: 'session=abc123secret' } });
    for (const r of [res, login, refreshed, me]) {
      const text = JSON.stringify(await traceOf(r));
      for (const secret of [password, login.body.accessToken, login.body.refreshToken, refreshed.body.accessToken, refreshed.body.refreshToken, 'abc123secret']) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toMatch(/\$argon2/);
    }
    expect(step(await traceOf(me), 'receive').detail.headers).toMatchObject({ authorization: 'Bearer [redacted]', cookie: '[redacted]' });
  });

  it('a statement the database refuses is an sql step with its error; the client gets a 409', async () => {
    const body = { email: `twice-${Date.now()}@example.test`, password: 'a very secret passphrase 78', name: 'Twice' };
    expect((await server.request('POST', '/api/auth/register', { body })).status).toBe(201);
    const again = await server.request('POST', '/api/auth/register', { body });
    expect(again.status).toBe(409);
    const failed = (await traceOf(again)).steps.find((s) => s.kind === 'sql' && s.outcome === 'error');
    expect(failed?.detail).toMatchObject({ sql: expect.stringMatching(/^insert into "users"/), error: expect.stringMatching(/unique|duplicate/i) });
    expect(JSON.stringify(failed)).not.toContain(body.password);
  });

  it('requests on one keep-alive connection each show the headers they sent', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(server.url);
    const send = (headers: Record<string, string>) =>
      new Promise<string>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, path: '/api/courses?limit=1', agent, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.headers['x-trace-id'])));
        });
        req.on('error', reject);
        req.end();
      });
    const sent: Record<string, string>[] = [{ 'x-note': 'one' }, { 'x-note': 'one' }, { 'x-note': 'two' }, { 'x-note': 'two', authorization: 'Basic abc' }, { 'x-note': 'two' }];
    const ids: string[] = [];
    for (const headers of sent) ids.push(await send(headers));
    agent.destroy();
    const received = await Promise.all(ids.map(async (id) => (await server.request('GET', `/api/traces/${id}`)).body.steps[0].detail.headers));
    expect(received.map((h) => [h['x-note'], h.authorization])).toEqual([['one', undefined], ['one', undefined], ['two', undefined], ['two', 'Basic [redacted]'], ['two', undefined]]);
  });

  it('sandbox code: its SQL and console lines join the trace, and the secrets it was sent do not', async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string; url: string };
    const source = `const app = require("express")();
app.use(require("express").json());
app.post("/login", async (req, res) => {
  console.log("login attempt", req.body.email, req.body.password);
  await db.query("CREATE TABLE IF NOT EXISTS people (email TEXT, password TEXT)");
  await db.query("INSERT INTO people (email, password) VALUES (?, ?)", [req.body.email, req.body.password]);
  const rows = await db.query("SELECT email FROM people WHERE email = ?", [req.body.email]);
  res.json({ found: rows.length });
});
app.listen(3000);`;
    expect((await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } })).status).toBe(200);
    const secret = 'hunter2 but longer';
    const res = await server.request('POST', `${ws.url}login`, { body: { email: 'ada@example.test', password: secret } });
    expect(res.body).toEqual({ found: 1 });
    const trace = await traceOf(res);
    expect(JSON.stringify(trace)).not.toContain(secret);
    const console = step(trace, 'console');
    expect(console.detail).toMatchObject({ level: 'log', message: 'login attempt ada@example.test [redacted]', line: 4 });
    const sql = trace.steps.filter((s) => s.kind === 'sql' && /people/.test(String(s.detail.sql)));
    expect(sql.map((s) => s.detail.sql)).toEqual([
      'CREATE TABLE IF NOT EXISTS people (email TEXT, password TEXT)',
      'INSERT INTO people (email, password) VALUES (?, ?)',
      'SELECT email FROM people WHERE email = ?',
    ]);
    expect(sql[1]!.detail).toMatchObject({ params: ['ada@example.test', '[redacted]'], rowsAffected: 1 });
    expect(sql[2]!.detail).toMatchObject({ rows: 1 });
    for (const s of sql) expect(s.startMs).toBeGreaterThanOrEqual(step(trace, 'handler').startMs);
  });

  it('sandbox code: credentials, cookies, secret headers and query parameters stay out of its console lines, SQL and errors', async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string; url: string };
    const source = `const app = require("express")();
app.get("/leak", async (req, res) => {
  console.log("auth", req.get("authorization"), "cookie", req.headers.cookie, "key", req.get("x-api-key"), "q", req.query.token);
  await db.query("CREATE TABLE IF NOT EXISTS seen (v TEXT)");
  await db.query("INSERT INTO seen (v) VALUES ('" + req.query.token + "')");
  console.error("could not check " + req.get("x-api-key"));
  throw new Error("boom for " + req.query.token);
});
app.listen(3000);`;
    expect((await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } })).status).toBe(200);
    const secrets = { bearer: 'opaque-bearer-1234', cookie: 'cookie-value-5678', key: 'api-key-9012', query: 'query-token-3456' };
    const res = await server.request('GET', `${ws.url}leak?token=${secrets.query}&page=2`, {
      headers: { authorization: `Bearer ${secrets.bearer}`, cookie: `sid=${secrets.cookie}; theme=dark`, 'x-api-key': secrets.key },
    });
    expect(res.status).toBe(500);
    const trace = await traceOf(res);
    const text = JSON.stringify(trace);
    for (const secret of Object.values(secrets)) expect(text).not.toContain(secret);
    expect(trace.steps.filter((s) => s.kind === 'console').map((s) => s.detail.message)).toEqual(
      expect.arrayContaining(['auth Bearer [redacted] cookie sid=[redacted]; theme=[redacted] key [redacted] q [redacted]', 'could not check [redacted]']),
    );
    expect(trace.steps.find((s) => s.kind === 'sql' && String(s.detail.sql).startsWith('INSERT'))?.detail.sql).toBe("INSERT INTO seen (v) VALUES ('[redacted]')");
  });

  it('sandbox code: an error its route throws or its promise rejects with is an error step, message redacted, no stack', async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string; url: string };
    const source = `const app = require("express")();
app.get("/sync", (req, res) => { throw new Error("sync boom for " + req.query.token); });
app.get("/rejected", async (req, res) => {
  await db.query("SELECT 1 AS one");
  throw new TypeError("rejected boom for " + req.get("authorization"));
});
app.listen(3000);`;
    expect((await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } })).status).toBe(200);
    const secret = 'query-token-7890';
    const cases: { path: string; headers: Record<string, string>; line: number; name: string; message: string }[] = [
      { path: `sync?token=${secret}`, headers: {}, line: 2, name: 'Error', message: 'sync boom for [redacted]' },
      { path: 'rejected', headers: { authorization: `Bearer ${secret}` }, line: 5, name: 'TypeError', message: 'rejected boom for Bearer [redacted]' },
    ];
    for (const c of cases) {
      const res = await server.request('GET', `${ws.url}${c.path}`, { headers: c.headers });
      // The learner's app answers as today: its problem+json 500, the line, no stack.
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: '/problems/sandbox-error', status: 500, line: c.line });
      expect(res.text).not.toMatch(/lab-shim|app\.js:|node:internal|src\/server|\n\s+at /);
      const trace = await traceOf(res);
      expect(JSON.stringify(trace)).not.toContain(secret);
      const errors = trace.steps.filter((s) => s.kind === 'error');
      expect(errors).toEqual([{
        kind: 'error',
        name: `${c.name}: ${c.message}`,
        startMs: expect.any(Number),
        durationMs: 0,
        outcome: 'error',
        detail: { name: c.name, message: c.message, line: c.line, explanation: `500: your code threw ${c.name}: ${c.message} (line ${c.line} of your code). The client got a problem+json without a stack; the workspace log has the whole error.` },
      }]);
      expect(JSON.stringify(errors)).not.toMatch(/lab-shim|app\.js:|node:internal|src\/server|\n\s+at /);
      expect(errors[0]!.startMs).toBeGreaterThanOrEqual(step(trace, 'handler').startMs);
      const query = trace.steps.find((s) => s.kind === 'sql' && s.detail.sql === 'SELECT 1 AS one');
      if (c.path === 'rejected') expect(errors[0]!.startMs).toBeGreaterThanOrEqual(query!.startMs);
    }
  });

  it("statements typed in the SQL consoles and EXPLAIN are sql steps too, a pasted secret redacted", async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string };
    const key = { 'x-workspace-key': ws.key };
    // The first statements check the workspace key; the typed one comes after.
    const typed = (trace: Trace) => trace.steps.filter((s) => s.kind === 'sql' && !String(s.detail.sql).includes('"workspaces"'))[0]!;
    await server.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: key, body: { sql: 'CREATE TABLE notes (body TEXT)' } });
    const jwt = signToken({ sub: '1' });
    const insert = await server.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: key, body: { sql: `INSERT INTO notes VALUES ('${jwt}'), (?)`, params: ['two'] } });
    expect(insert.status).toBe(200);
    expect(typed(await traceOf(insert)).detail).toMatchObject({ sql: "INSERT INTO notes VALUES ('[redacted]'), (?)", params: ['two'], rowsAffected: 2 });
    const explain = await server.request('POST', `/api/workspaces/${ws.id}/explain`, { headers: key, body: { sql: 'SELECT * FROM notes WHERE body = ?', params: ['x'] } });
    expect(typed(await traceOf(explain)).detail).toMatchObject({ sql: 'SELECT * FROM notes WHERE body = ?', planSteps: expect.any(Number) });
    const refused = await server.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: key, body: { sql: 'SELECT nope FROM notes' } });
    expect(refused.status).toBe(400);
    expect(typed(await traceOf(refused))).toMatchObject({ outcome: 'error', detail: { error: expect.stringMatching(/nope/) } });
  });

  it('one trace stays small however much learner code sends it', async () => {
    const ws = (await server.request('POST', '/api/workspaces')).body as { id: string; key: string; url: string };
    const source = `const app = require("express")();
app.get("/big", async (req, res) => {
  const big = "x".repeat(200000);
  await db.query("SELECT length(?) AS a, length(?) AS b, length(?) AS c, length(?) AS d, length(?) AS e", [big, big, big, big, big]);
  for (let i = 0; i < 60; i++) console.log(i, big.slice(0, 9000));
  res.json({ ok: true });
});
app.listen(3000);`;
    expect((await server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } })).status).toBe(200);
    const res = await server.request('GET', `${ws.url}big`);
    expect(res.body).toEqual({ ok: true });
    const trace = await traceOf(res);
    expect(JSON.stringify(trace).length).toBeLessThan(40_000);
    expect(JSON.stringify(trace)).toContain('[cut: the trace is at its size limit]');
    expect(kinds(trace).filter((k) => k === 'console').length).toBeGreaterThan(20);
  });

  it('one trace stays small however many invalid fields a body has, and so does the answer', async () => {
    const body: Record<string, unknown> = { courseId: 'x' };
    for (let i = 0; i < 5000; i++) body[`field${i}`] = i;
    const { accessToken } = await registerUser(server);
    const res = await server.request('POST', '/api/orders', { token: accessToken, body });
    expect(isProblem(res, 400), res.text).toBe(true);
    expect(res.body.errors).toHaveLength(50);
    expect(res.body.detail).toBe('The request has 5001 invalid fields; errors lists the first 50.');
    const trace = await traceOf(res);
    const validate = step(trace, 'validate');
    expect(validate.name).toBe('5001 invalid fields');
    expect(validate.detail.errors).toHaveLength(20);
    expect(validate.detail.notShown).toBe(4981);
    expect(validate.detail.explanation).toMatch(/\(and 5000 more\)/);
    expect(JSON.stringify(trace).length).toBeLessThan(20_000);
  });

  it('a token in the URL path stays out of the trace, and out of the explanation that quotes the path', async () => {
    const token = signToken({ sub: '1', tv: 0, iss: 'backend-lab', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 });
    const res = await server.request('GET', `/api/nothing/${token}`);
    expect(res.status).toBe(404);
    const trace = await traceOf(res);
    const text = JSON.stringify(trace);
    expect(text).not.toContain(token.split('.')[2]);
    expect(trace.path).toBe('/api/nothing/[redacted]');
    expect(step(trace, 'response').detail.explanation).toContain('/api/nothing/[redacted]');
  });

  it('ids are unguessable; an unknown id is 404 and a malformed one 400; the trace id of a traceparent is kept', async () => {
    expect(isProblem(await server.request('GET', `/api/traces/${randomBytes(16).toString('hex')}`), 404)).toBe(true);
    expect(isProblem(await server.request('GET', '/api/traces/1'), 400)).toBe(true);
    const traceId = randomBytes(16).toString('hex');
    const res = await server.request('GET', '/api/courses', { headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } });
    const trace = await traceOf(res);
    expect(trace.traceId).toBe(traceId);
    expect(trace.id).not.toBe(traceId);
    const fresh = await server.request('GET', '/api/courses', { headers: { traceparent: 'garbage' } });
    expect((await traceOf(fresh)).traceId).not.toBe(traceId);
  });
});

describe('trace limits', () => {
  it('429: the rate limit step names the limit and when to try again', async () => {
    const server = await startTestServer('sqlite', { AUTH_RATE_LIMIT: '2' });
    try {
      let last: TestResponse | undefined;
      for (let i = 0; i < 3; i++) last = await server.request('POST', '/api/auth/login', { body: { email: 'nobody@example.test', password: 'whatever it is 123' } });
      expect(last!.status).toBe(429);
      const trace = (await server.request('GET', `/api/traces/${last!.headers.get('x-trace-id')}`)).body as Trace;
      const limit = trace.steps.find((s) => s.kind === 'rate-limit')!;
      expect(limit).toMatchObject({ outcome: 'denied', detail: { bucket: 'auth', limit: 2, remaining: 0 } });
      expect(limit.detail.explanation).toMatch(/^429: 2 sign-in requests per minute are allowed from you, and you used them all; try again in \d+ s\.$/);
    } finally {
      await server.close();
    }
  });

  it('storage stays bounded under 10,000 requests: the newest are kept, the oldest are gone', async () => {
    const server = await startTestServer('sqlite', { TRACE_LIMIT: '500' });
    try {
      const ids: string[] = [];
      const total = 10_000;
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < total) {
            next++;
            const res = await server.request('GET', '/api/no-such-route');
            ids.push(res.headers.get('x-trace-id')!);
          }
        }),
      );
      expect(ids).toHaveLength(total);
      expect(server.app.traces.size).toBe(500);
      expect((await server.request('GET', `/api/traces/${ids[0]}`)).status).toBe(404);
      expect((await server.request('GET', `/api/traces/${ids[total - 1]}`)).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('a route of the API that throws: an error step with the message redacted and no stack; the client gets a clean 500', async () => {
    const token = signToken({ sub: '1' });
    const server = await startTestServer('sqlite', {}, undefined, {
      extraApiRoutes: async (api) => {
        api.get('/boom', async () => {
          throw new TypeError(`could not read the session ${token}`);
        });
      },
    });
    try {
      const res = await server.request('GET', '/api/boom');
      expect(isProblem(res, 500), res.text).toBe(true);
      expect(res.text).not.toContain('TypeError');
      expect(res.text).not.toContain(token);
      const id = res.headers.get('x-trace-id');
      let trace: Trace | undefined;
      for (let i = 0; i < 20 && !trace; i++) {
        const got = await server.request('GET', `/api/traces/${id}`);
        if (got.status === 200) trace = got.body as Trace;
        else await new Promise((r) => setTimeout(r, 25));
      }
      const error = trace!.steps.find((s) => s.kind === 'error')!;
      expect(error).toMatchObject({ outcome: 'error', name: 'TypeError: could not read the session [redacted]', detail: { name: 'TypeError', message: 'could not read the session [redacted]' } });
      expect(JSON.stringify(trace)).not.toContain(token);
      expect(JSON.stringify(error.detail)).not.toMatch(/\bat .*\.ts:\d+/);
      expect(trace!.steps.find((s) => s.kind === 'response')!.outcome).toBe('error');
    } finally {
      await server.close();
    }
  });

  it('TRACES=off sends no X-Trace-Id', async () => {
    const server = await startTestServer('sqlite', { TRACES: 'off' });
    try {
      expect((await server.request('GET', '/api/courses')).headers.get('x-trace-id')).toBeNull();
    } finally {
      await server.close();
    }
  });
});
