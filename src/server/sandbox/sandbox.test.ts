import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSandbox } from './test-helpers.ts';

const t = testSandbox();
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;
afterAll(() => t.close());

describe('express', () => {
  const source = `const express = require("express");
const app = express();
app.use(express.json());
app.use((req, res, next) => { res.set("X-Seen", "yes"); next(); });
app.get("/", (req, res) => res.send("hello"));
app.get("/users/:id", (req, res) => res.json({ id: req.params.id, q: req.query, ua: req.get("User-Agent") }));
app.get("/files/:name?", (req, res) => res.json({ name: req.params.name ?? null }));
app.post("/echo", (req, res) => res.status(201).json({ body: req.body, type: req.is("json") }));
app.post("/form", (req, res) => res.json(req.body));
app.put("/items/:id", (req, res) => res.json({ put: req.params.id }));
app.patch("/items/:id", (req, res) => res.json({ patch: req.params.id }));
app.delete("/items/:id", (req, res) => res.sendStatus(204));
app.all("/any", (req, res) => res.json({ method: req.method }));
app.get("/cookies", (req, res) => res.cookie("sid", "abc", { httpOnly: true }).json(req.cookies));
app.get("/redirect", (req, res) => res.redirect("/"));
app.get("/fail", (req, res, next) => next(new Error("went wrong")));
app.get("/teapot", (req, res, next) => { const e = new Error("short and stout"); e.status = 418; next(e); });
app.get("/async", async (req, res) => { await Promise.resolve(); throw new Error("async boom"); });
app.get("/uncaught", (req, res) => {
  const user = undefined;
  res.json(user.name);
});

const router = express.Router();
router.get("/", (req, res) => res.json({ list: true, base: req.baseUrl }));
router.get("/:id", (req, res) => res.json({ one: req.params.id, path: req.path }));
app.use("/api/books", router);

app.use((err, req, res, next) => {
  if (err.message === "went wrong") return res.status(500).json({ handled: err.message });
  next(err);
});
app.listen(3000, () => console.log("started"));
`;
  beforeAll(async () => {
    expect(await t.load('ex', source)).toMatchObject({ ok: true });
  });

  it('lists routes, logs listen and calls its callback', async () => {
    const loaded = await t.load('ex', source);
    expect(loaded.ok && loaded.routes).toEqual(expect.arrayContaining([
      { method: 'GET', path: '/users/:id' },
      { method: 'GET', path: '/api/books/:id' },
      { method: 'DELETE', path: '/items/:id' },
    ]));
    await new Promise((r) => setTimeout(r, 50));
    expect(t.logs.some((l) => l.workspaceId === 'ex' && l.message === 'Your app is live at /sandbox/ex/')).toBe(true);
    expect(t.logs.some((l) => l.workspaceId === 'ex' && l.message === 'started' && l.line === lineOf(source, 'started'))).toBe(true);
  });

  it('serves routes with params, query, headers and middleware', async () => {
    const r = await t.request('ex', 'GET', '/users/42?sort=name&tags=a&tags=b', { headers: { 'user-agent': 'vitest' } });
    expect(r.status).toBe(200);
    expect(r.headers['x-seen']).toBe('yes');
    expect(r.headers['content-type']).toMatch(/application\/json/);
    expect(r.json()).toEqual({ id: '42', q: { sort: 'name', tags: ['a', 'b'] }, ua: 'vitest' });
    expect((await t.request('ex', 'GET', '/')).body).toBe('hello');
    expect((await t.request('ex', 'GET', '/files')).json()).toEqual({ name: null });
    expect((await t.request('ex', 'GET', '/files/a.txt')).json()).toEqual({ name: 'a.txt' });
    expect((await t.request('ex', 'GET', '/users/42/')).status).toBe(200);
  });

  it('parses JSON and urlencoded bodies', async () => {
    const r = await t.request('ex', 'POST', '/echo', { body: { name: 'Ada', tags: [1] } });
    expect(r.status).toBe(201);
    expect(r.json()).toEqual({ body: { name: 'Ada', tags: [1] }, type: 'json' });
    const f = await t.request('ex', 'POST', '/form', { body: 'a=1&b=two+words', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(f.json()).toEqual({ a: '1', b: 'two words' });
    const bad = await t.request('ex', 'POST', '/echo', { body: '{"broken": ' });
    expect(bad.status).toBe(400);
    expect(bad.json().detail).toMatch(/not valid JSON/);
  });

  it('answers every method and the res helpers', async () => {
    expect((await t.request('ex', 'PUT', '/items/1')).json()).toEqual({ put: '1' });
    expect((await t.request('ex', 'PATCH', '/items/1')).json()).toEqual({ patch: '1' });
    expect((await t.request('ex', 'DELETE', '/items/1')).status).toBe(204);
    expect((await t.request('ex', 'OPTIONS', '/any')).json()).toEqual({ method: 'OPTIONS' });
    const c = await t.request('ex', 'GET', '/cookies', { headers: { cookie: 'theme=dark; lang=en' } });
    expect(c.json()).toEqual({ theme: 'dark', lang: 'en' });
    expect(c.headers['set-cookie']).toBe('sid=abc; Path=/; HttpOnly');
    const red = await t.request('ex', 'GET', '/redirect');
    expect(red.status).toBe(302);
    expect(red.headers.location).toBe('/');
  });

  it('mounts routers under a prefix', async () => {
    expect((await t.request('ex', 'GET', '/api/books')).json()).toEqual({ list: true, base: '/api/books' });
    expect((await t.request('ex', 'GET', '/api/books/7')).json()).toEqual({ one: '7', path: '/7' });
  });

  it("skips to the next route on next('route'), runs router.param once per value, and redirects 'back'", async () => {
    const more = `const express = require("express");
const app = express();
const seen = [];
app.param("id", (req, res, next, id) => { seen.push(id); if (id === "0") return next(new Error("no zero")); req.item = { id: Number(id) }; next(); });
app.get("/skip/:id", (req, res, next) => (req.params.id === "7" ? next("route") : next()), (req, res) => res.json({ first: req.item }));
app.get("/skip/:id", (req, res) => res.json({ second: req.item, seen }));
app.get("/back", (req, res) => res.redirect("back"));
app.use((err, req, res, next) => res.status(400).json({ error: err.message }));
app.listen(3000);`;
    expect(await t.load('routes', more)).toMatchObject({ ok: true });
    expect((await t.request('routes', 'GET', '/skip/3')).json()).toEqual({ first: { id: 3 } });
    expect((await t.request('routes', 'GET', '/skip/7')).json()).toEqual({ second: { id: 7 }, seen: ['3', '7'] });
    expect((await t.request('routes', 'GET', '/skip/0')).json()).toEqual({ error: 'no zero' });
    expect((await t.request('routes', 'GET', '/back', { headers: { referer: '/sandbox/routes/skip/3' } })).headers.location).toBe('/sandbox/routes/skip/3');
    expect((await t.request('routes', 'GET', '/back')).headers.location).toBe('/');
  });

  it('serves an Express app passed to http.createServer, with its 404 and error handling', async () => {
    const wrapped = `const express = require("express");
const http = require("http");
const app = express();
app.use(express.json());
app.post("/echo", (req, res) => res.json(req.body));
app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.type || err.message }));
http.createServer(app).listen(3000);`;
    expect(await t.load('wrapped', wrapped)).toMatchObject({ ok: true, routes: [{ method: 'POST', path: '/echo' }] });
    expect((await t.request('wrapped', 'POST', '/echo', { body: { a: 1 } })).json()).toEqual({ a: 1 });
    const missing = await t.request('wrapped', 'GET', '/nope');
    expect(missing.status).toBe(404);
    const bad = await t.request('wrapped', 'POST', '/echo', { body: '{oops', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: 'entity.parse.failed' });
  });

  it('sends next(err) to error middleware, and others to the default handler', async () => {
    expect((await t.request('ex', 'GET', '/fail')).json()).toEqual({ handled: 'went wrong' });
    const teapot = await t.request('ex', 'GET', '/teapot');
    expect(teapot.status).toBe(418);
    expect(teapot.json().detail).toBe('short and stout');
  });

  it('turns a rejected async handler into a 500 problem with the line, and logs it', async () => {
    const r = await t.request('ex', 'GET', '/async');
    expect(r.status).toBe(500);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    const line = lineOf(source, 'async boom');
    expect(r.json()).toMatchObject({ type: '/problems/sandbox-error', status: 500, line });
    expect(r.json().detail).toMatch(new RegExp(`async boom.*line ${line}`));
    const u = await t.request('ex', 'GET', '/uncaught');
    const uline = lineOf(source, 'user.name');
    expect(u.json().detail).toMatch(new RegExp(`cannot read property 'name' of undefined \\(line ${uline}`));
    const logged = t.logs.find((l) => l.level === 'error' && l.line === uline && /GET \/uncaught failed/.test(l.message));
    // The stack the learner reads is their code's, not the lab's own express frames.
    expect(logged?.message).toMatch(/app\.js:\d+/);
    expect(logged?.message).not.toContain('lab-shim.js');
    // Both are error steps for the request's trace: name, message and line, no stack.
    expect(r.steps?.filter((s) => s.kind === 'error')).toEqual([
      { kind: 'error', name: 'Error: async boom', at: expect.any(Number), durationMs: 0, outcome: 'error', detail: { name: 'Error', message: 'async boom', line } },
    ]);
    expect(u.steps?.find((s) => s.kind === 'error')).toMatchObject({ outcome: 'error', detail: { name: 'TypeError', message: "cannot read property 'name' of undefined", line: uline } });
  });

  it('an error the app handles itself, or a 4xx it passes on, is no error step', async () => {
    expect((await t.request('ex', 'GET', '/fail')).steps?.some((s) => s.kind === 'error') ?? false).toBe(false);
    expect((await t.request('ex', 'GET', '/teapot')).steps?.some((s) => s.kind === 'error') ?? false).toBe(false);
  });

  it('answers 404 problems naming the method and path', async () => {
    const r = await t.request('ex', 'POST', '/nothing/here');
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ type: '/problems/sandbox-no-route', detail: 'Your app has no route for POST /nothing/here.' });
  });

  it('loads on demand from the source the caller passes', async () => {
    await t.sandbox.unload('ex');
    const r = await t.sandbox.handle('ex', source, { method: 'GET', path: '/', query: '', headers: {}, body: '' });
    expect(r.body).toBe('hello');
  });
});

describe('http.createServer', () => {
  it('serves Node-style handlers, with the body as data/end events', async () => {
    const source = `const http = require("http");
const server = http.createServer((req, res) => {
  if (req.method === "POST") {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => { res.writeHead(201, { "Content-Type": "application/json" }); res.end(JSON.stringify({ got: JSON.parse(body) })); });
    return;
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/plain");
  res.write("hello ");
  res.end("from " + req.url);
});
server.listen(3000, () => console.log("up"));`;
    expect(await t.load('node', source)).toMatchObject({ ok: true });
    const r = await t.request('node', 'GET', '/x?y=1');
    expect(r).toMatchObject({ status: 200, body: 'hello from /x?y=1' });
    expect(r.headers['content-type']).toBe('text/plain');
    const p = await t.request('node', 'POST', '/', { body: { a: 1 } });
    expect(p.status).toBe(201);
    expect(p.json()).toEqual({ got: { a: 1 } });
  });
});

describe('jsonwebtoken', () => {
  const source = `const express = require("express");
const jsonwebtoken = require("jsonwebtoken");
const app = express();
app.get("/sign", (req, res) => res.json({ token: jwt.sign({ sub: "u1", role: "admin" }, "s3cret", { expiresIn: "1h" }) }));
app.get("/expired", (req, res) => res.json({ token: jsonwebtoken.sign({ sub: "u1", exp: Math.floor(Date.now() / 1000) - 10 }, "s3cret") }));
app.get("/verify", (req, res) => {
  try {
    const payload = jsonwebtoken.verify(req.query.token, "s3cret");
    res.json({ ok: true, sub: payload.sub, decoded: jwt.decode(req.query.token).role });
  } catch (err) {
    res.status(401).json({ name: err.name, message: err.message, isJwtError: err instanceof jsonwebtoken.JsonWebTokenError, expiredAt: err.expiredAt ? err.expiredAt.toISOString() : null });
  }
});
app.get("/callback", (req, res) => {
  jwt.sign({ a: 1 }, "k", {}, (err, token) => jwt.verify(token, "k", (err2, payload) => res.json({ a: payload.a })));
});
app.listen(3000);`;
  beforeAll(async () => {
    expect(await t.load('jwt', source)).toMatchObject({ ok: true });
  });

  it('signs real HS256 JWTs that verify with jose and in the sandbox', async () => {
    const { token } = (await t.request('jwt', 'GET', '/sign')).json();
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode('s3cret'));
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe('u1');
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect((await t.request('jwt', 'GET', `/verify?token=${token}`)).json()).toEqual({ ok: true, sub: 'u1', decoded: 'admin' });
  });

  it('rejects bad signatures, garbage and expired tokens as jsonwebtoken does', async () => {
    const { token } = (await t.request('jwt', 'GET', '/sign')).json();
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await t.request('jwt', 'GET', `/verify?token=${tampered}`)).json()).toMatchObject({ name: 'JsonWebTokenError', message: 'invalid signature', isJwtError: true });
    expect((await t.request('jwt', 'GET', '/verify?token=abc')).json()).toMatchObject({ name: 'JsonWebTokenError', message: 'jwt malformed' });
    expect((await t.request('jwt', 'GET', '/verify')).json()).toMatchObject({ message: 'jwt must be provided' });
    const expired = (await t.request('jwt', 'GET', '/expired')).json().token;
    const r = (await t.request('jwt', 'GET', `/verify?token=${expired}`)).json();
    expect(r).toMatchObject({ name: 'TokenExpiredError', message: 'jwt expired', isJwtError: true });
    expect(r.expiredAt).toMatch(/^\d{4}-/);
  });

  it('has the callback form', async () => {
    expect((await t.request('jwt', 'GET', '/callback')).json()).toEqual({ a: 1 });
  });
});

describe('bcrypt', () => {
  it('hashes and compares with promises and callbacks, off the VM', async () => {
    const source = `const bcryptjs = require("bcryptjs");
const app = require("express")();
app.get("/", async (req, res) => {
  const hash = await bcrypt.hash("correct horse", 4);
  const ok = await bcrypt.compare("correct horse", hash);
  const bad = await bcryptjs.compare("wrong", hash);
  bcrypt.hash("pw", 4, (err, h2) => {
    bcrypt.compare("pw", h2, (err2, same) => res.json({ prefix: hash.slice(0, 7), ok, bad, same, rounds: bcrypt.getRounds(hash) }));
  });
});
app.get("/too-many", async (req, res) => res.json({ rounds: bcrypt.getRounds(await bcrypt.hash("x", 31)) }));
app.listen(3000);`;
    expect(await t.load('bc', source)).toMatchObject({ ok: true });
    expect((await t.request('bc', 'GET', '/')).json()).toEqual({ prefix: '$2b$04$', ok: true, bad: false, same: true, rounds: 4 });
    expect((await t.request('bc', 'GET', '/too-many')).json()).toEqual({ rounds: 12 });
  });
});

describe('load errors', () => {
  it('reports syntax errors with line and column', async () => {
    const r = await t.load('bad', 'const a = 1;\nconst b = ;\n');
    expect(r).toEqual({ ok: false, errors: [{ line: 2, column: 11, message: expect.stringMatching(/^SyntaxError: /) }] });
  });

  it('reports errors thrown while loading, in the learner line', async () => {
    const r = await t.load('bad', 'const x = 1;\n\nfunction setup() {\n  throw new Error("no config");\n}\nsetup();\n');
    expect(r).toEqual({ ok: false, errors: [{ line: 4, column: expect.any(Number), message: 'Error: no config' }] });
  });

  it('refuses other modules with a friendly message', async () => {
    for (const name of ['fs', 'child_process', 'node:fs', './db', 'axios']) {
      const r = await t.load('bad', `const m = require(${JSON.stringify(name)});`);
      expect(r).toEqual({ ok: false, errors: [{ line: 1, column: expect.any(Number), message: `Error: Module "${name}" is not available in the Backend Lab sandbox. Available: express, http, jsonwebtoken, bcrypt.` }] });
    }
  });

  it('has process.uptime and hrtime for health routes, and says why memoryUsage is missing', async () => {
    const source = 'require("express")().get("/", (q, s) => { let memory; try { process.memoryUsage(); } catch (e) { memory = e.message; } const t = process.hrtime(); s.json({ up: process.uptime(), hr: process.hrtime(t).length, big: typeof process.hrtime.bigint(), memory }); }).listen(1);';
    expect(await t.load('proc', source)).toMatchObject({ ok: true });
    const body = (await t.request('proc', 'GET', '/')).json();
    expect(body).toMatchObject({ hr: 2, big: 'bigint', memory: expect.stringMatching(/^process\.memoryUsage\(\) is not available/) });
    expect(body.up).toBeGreaterThanOrEqual(0);
  });

  it('says why fetch and friends are missing, at load and in a request', async () => {
    const r = await t.load('bad', 'const x = 1;\nfetch("https://example.com");');
    expect(r).toEqual({ ok: false, errors: [{ line: 2, column: expect.any(Number), message: expect.stringMatching(/^Error: fetch is not available in the Backend Lab sandbox: your code has no network access/) }] });
    expect(await t.load('net', 'const app = require("express")();\napp.get("/", async (req, res) => res.json(await fetch("https://example.com")));\napp.get("/ws", (req, res) => res.json(new WebSocket("ws://x")));\napp.listen(1);')).toMatchObject({ ok: true });
    expect((await t.request('net', 'GET', '/')).json()).toMatchObject({ status: 500, detail: expect.stringMatching(/fetch is not available in the Backend Lab sandbox.*\(line 2 of your code\)/) });
    expect((await t.request('net', 'GET', '/ws')).json().detail).toMatch(/WebSocket is not available/);
  });

  it('keeps the previous code when new code does not load, and answers a load problem for broken stored code', async () => {
    expect(await t.load('keep', 'require("express")().get("/", (q, s) => s.send("v1")).listen(1)')).toMatchObject({ ok: true });
    expect(await t.load('keep', 'oops(')).toMatchObject({ ok: false });
    expect((await t.request('keep', 'GET', '/')).body).toBe('v1');
    const r = await t.sandbox.handle('never-loaded', 'let x = ;', { method: 'GET', path: '/', query: '', headers: {}, body: '' });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toMatchObject({ type: '/problems/sandbox-load-error', errors: [{ line: 1 }] });
  });

  it('explains an app that never created a server', async () => {
    expect(await t.load('noapp', 'const x = 1;')).toEqual({ ok: true, routes: [] });
    const r = await t.request('noapp', 'GET', '/');
    expect(r.json()).toMatchObject({ type: '/problems/sandbox-no-app' });
  });

  it('sends console output to onLog with the line', async () => {
    await t.load('logs', 'console.log("a", { b: [1, 2] });\nconsole.warn("careful");\nconsole.error(new Error("bad"));');
    await new Promise((r) => setTimeout(r, 50));
    const mine = t.logs.filter((l) => l.workspaceId === 'logs');
    expect(mine.map((l) => [l.level, l.line, l.message.split('\n')[0]])).toEqual([
      ['log', 1, 'a { b: [ 1, 2 ] }'],
      ['warn', 2, 'careful'],
      ['error', 3, 'Error: bad'],
    ]);
  });
});
