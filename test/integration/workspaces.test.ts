import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { isProblem, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects())('workspaces and the sandbox (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { SANDBOX_TIMEOUT_MS: '300' });
  });
  afterAll(async () => server?.close());

  const create = async () => {
    const res = await server.request('POST', '/api/workspaces');
    expect(res.status).toBe(201);
    return res.body as { id: string; key: string; url: string };
  };
  const deploy = (ws: { id: string; key: string }, source: string) => server.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source } });
  const sql = (ws: { id: string; key: string }, statement: string, params: unknown[] = []) =>
    server.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: { 'x-workspace-key': ws.key }, body: { sql: statement, params } });

  it('a new workspace runs its starter code at /sandbox/<id>/', async () => {
    const ws = await create();
    expect(ws.key).toMatch(/^wk_[\w-]{43}$/);
    expect(ws.url).toBe(`/sandbox/${ws.id}/`);
    const home = await server.request('GET', ws.url);
    expect(home.status).toBe(200);
    expect(home.body).toEqual({ message: 'Hello from your own backend!' });
    const hello = await server.request('GET', `${ws.url}hello/ada`);
    expect(hello.body).toEqual({ hello: 'ada' });
  });

  it('the key guards the code: none is 401, a wrong one 404, the right one shows it', async () => {
    const ws = await create();
    const none = await server.request('GET', `/api/workspaces/${ws.id}/code`);
    expect(isProblem(none, 401)).toBe(true);
    const wrong = await server.request('GET', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': 'wk_wrong' } });
    expect(isProblem(wrong, 404)).toBe(true);
    const right = await server.request('GET', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key } });
    expect(right.status).toBe(200);
    expect(right.body.source).toContain('express()');
    const unknown = await server.request('GET', '/sandbox/nosuchworkspace/');
    expect(isProblem(unknown, 404)).toBe(true);
  });

  it('deploying lists the routes; a syntax error is a 400 with its line and the old code keeps running', async () => {
    const ws = await create();
    const ok = await deploy(ws, 'const express = require("express");\nconst app = express();\napp.get("/a", (req, res) => res.json({ a: 1 }));\napp.post("/b/:id", (req, res) => res.status(201).json({ id: req.params.id, body: req.body }));\napp.listen(3000);\n');
    expect(ok.status).toBe(200);
    expect(ok.body.routes).toEqual(expect.arrayContaining([{ method: 'GET', path: '/a' }, { method: 'POST', path: '/b/:id' }]));
    const posted = await server.request('POST', `${ws.url}b/7`, { body: { x: true } });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ id: '7', body: { x: true } });

    const broken = await deploy(ws, 'const express = require("express");\nconst app = express();\napp.get("/a", (req, res) => {\n  res.json({ a: 2 }\n});\n');
    expect(isProblem(broken, 400)).toBe(true);
    expect(broken.body.errors[0]).toMatchObject({ path: 'source', line: expect.any(Number), column: expect.any(Number), message: expect.any(String) });
    expect(broken.body.errors[0].line).toBeGreaterThanOrEqual(4);
    expect(broken.body.errors[0].line).toBeLessThanOrEqual(5);
    expect((await server.request('GET', `${ws.url}a`)).body).toEqual({ a: 1 });

    const column = await deploy(ws, 'const a = 1;\nconst b = (;\n');
    expect(column.body.errors[0]).toMatchObject({ line: 2, column: 12, message: expect.stringMatching(/^SyntaxError/) });

    const throws = await deploy(ws, 'const app = require("express")();\nthrow new Error("boom at load");\n');
    expect(isProblem(throws, 400)).toBe(true);
    expect(throws.body.errors[0]).toMatchObject({ line: 2, message: expect.stringContaining('boom at load') });
  });

  it('the SQL console runs statements on the workspace database, and reset empties it', async () => {
    const ws = await create();
    expect((await sql(ws, 'CREATE TABLE users(id INT PRIMARY KEY, email VARCHAR(100))')).status).toBe(200);
    const inserted = await sql(ws, 'INSERT INTO users (id, email) VALUES (?, ?), (?, ?)', [1, 'a@x.test', 2, 'b@x.test']);
    expect(inserted.body.rowsAffected).toBe(2);
    const selected = await sql(ws, 'SELECT id, email FROM users ORDER BY id');
    expect(selected.body.columns).toEqual(['id', 'email']);
    expect(selected.body.rows).toEqual([
      [1, 'a@x.test'],
      [2, 'b@x.test'],
    ]);
    const bad = await sql(ws, 'SELEC nonsense');
    expect(isProblem(bad, 400)).toBe(true);
    expect(bad.body.detail).toMatch(/syntax/i);

    const other = await create();
    const isolated = await sql(other, 'SELECT * FROM users');
    expect(isProblem(isolated, 400), 'another workspace must not see this table').toBe(true);

    const reset = await server.request('POST', `/api/workspaces/${ws.id}/reset`, { headers: { 'x-workspace-key': ws.key } });
    expect(reset.status).toBe(204);
    expect(isProblem(await sql(ws, 'SELECT * FROM users'), 400)).toBe(true);
  });

  it('learner code uses db.query, and the data is there for the next request', async () => {
    const ws = await create();
    const templates = (await server.request('GET', '/api/workspaces/templates')).body.data as { id: string; source: string }[];
    expect(templates.map((t) => t.id)).toEqual(['hello', 'rest-sql', 'register-login', 'auth-middleware']);
    expect((await deploy(ws, templates.find((t) => t.id === 'rest-sql')!.source)).status).toBe(200);
    const created = await server.request('POST', `${ws.url}notes`, { body: { text: 'first note' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ text: 'first note' });
    const list = await server.request('GET', `${ws.url}notes`);
    expect(list.body).toEqual([{ id: created.body.id, text: 'first note' }]);
    expect((await server.request('POST', `${ws.url}notes`, { body: {} })).status).toBe(400);
  });

  it('the register/login template hashes with bcrypt and signs a JWT; the middleware template checks it', async () => {
    const templates = (await server.request('GET', '/api/workspaces/templates')).body.data as { id: string; source: string }[];
    const ws = await create();
    expect((await deploy(ws, templates.find((t) => t.id === 'register-login')!.source)).status).toBe(200);
    const credentials = { email: 'ada@example.test', password: 'a long enough password' };
    expect((await server.request('POST', `${ws.url}register`, { body: credentials })).status).toBe(201);
    expect((await server.request('POST', `${ws.url}register`, { body: credentials })).status).toBe(409);
    expect((await server.request('POST', `${ws.url}login`, { body: { ...credentials, password: 'wrong password here' } })).status).toBe(401);
    const login = await server.request('POST', `${ws.url}login`, { body: credentials });
    expect(login.status).toBe(200);
    expect(login.body.token.split('.')).toHaveLength(3);

    const guarded = await create();
    expect((await deploy(guarded, templates.find((t) => t.id === 'auth-middleware')!.source)).status).toBe(200);
    expect((await server.request('GET', `${guarded.url}private`)).status).toBe(401);
    const token = (await server.request('POST', `${guarded.url}token`, { body: { name: 'grace' } })).body.token;
    const mine = await server.request('GET', `${guarded.url}private`, { token });
    expect(mine.status).toBe(200);
    expect(mine.body.you).toBe('grace');
  });

  it('console output reaches the logs and the live stream', async () => {
    const ws = await create();
    await deploy(ws, 'const app = require("express")();\napp.get("/log", (req, res) => {\n  console.log("visited", req.query.n);\n  res.end("ok");\n});\n');
    const stream = await openStream(`${server.url}/api/workspaces/${ws.id}/logs/stream?key=${encodeURIComponent(ws.key)}`);
    await server.request('GET', `${ws.url}log?n=42`);
    const event = await stream.next();
    stream.close();
    expect(event).toMatchObject({ level: 'log', message: 'visited 42', line: 3 });
    const logs = await server.request('GET', `/api/workspaces/${ws.id}/logs`, { headers: { 'x-workspace-key': ws.key } });
    expect(logs.body.data.some((l: { message: string }) => l.message === 'visited 42')).toBe(true);
  });

  it('an endless loop is stopped with a 504 naming the route, and other workspaces keep answering', async () => {
    const stuck = await create();
    await deploy(stuck, 'const app = require("express")();\napp.get("/spin", (req, res) => { while (true) {} });\napp.get("/ok", (req, res) => res.json({ ok: true }));\n');
    const healthy = await create();
    const [spin, other] = await Promise.all([server.request('GET', `${stuck.url}spin`), server.request('GET', healthy.url)]);
    expect(isProblem(spin, 504), spin.text).toBe(true);
    expect(spin.body.detail).toContain('/spin');
    expect(other.status).toBe(200);
    expect((await server.request('GET', `${stuck.url}ok`)).body).toEqual({ ok: true });
  });

  it('classic http.createServer code runs too', async () => {
    const ws = await create();
    const res = await deploy(ws, 'const http = require("http");\nhttp.createServer((req, res) => {\n  res.setHeader("content-type", "text/plain");\n  res.write("hello ");\n  res.end(req.url);\n}).listen(3000);\n');
    expect(res.status).toBe(200);
    const page = await server.request('GET', `${ws.url}x?y=1`);
    expect(page.status).toBe(200);
    expect(page.text).toBe('hello /x?y=1');
  });

  it('code and data survive a restart', async () => {
    const restartable = await startTestServer(dialect);
    const ws = (await restartable.request('POST', '/api/workspaces')).body;
    await restartable.request('PUT', `/api/workspaces/${ws.id}/code`, { headers: { 'x-workspace-key': ws.key }, body: { source: 'const app = require("express")();\napp.get("/count", async (req, res) => res.json(await db.query("SELECT COUNT(*) AS n FROM t")));\n' } });
    await restartable.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: { 'x-workspace-key': ws.key }, body: { sql: 'CREATE TABLE t (x INT)' } });
    await restartable.request('POST', `/api/workspaces/${ws.id}/sql`, { headers: { 'x-workspace-key': ws.key }, body: { sql: 'INSERT INTO t VALUES (1), (2)' } });
    await restartable.app.close();
    const again = await startTestServer(dialect, {}, restartable.database);
    try {
      const count = await again.request('GET', `/sandbox/${ws.id}/count`);
      expect(count.status).toBe(200);
      expect(Number(count.body[0].n)).toBe(2);
    } finally {
      await again.close();
    }
  });
});

/** A minimal SSE reader: resolves each `data:` line as JSON. */
function openStream(url: string): Promise<{ next(): Promise<unknown>; close(): void }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`));
      let buffer = '';
      const queue: unknown[] = [];
      let waiting: ((value: unknown) => void) | undefined;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event.split('\n').find((l) => l.startsWith('data: '));
          if (!data) continue;
          const value = JSON.parse(data.slice(6));
          if (waiting) {
            waiting(value);
            waiting = undefined;
          } else queue.push(value);
        }
      });
      resolve({
        next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => (waiting = r))),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}
