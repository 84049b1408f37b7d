import { afterAll, describe, expect, it } from 'vitest';
import { workerIndex } from './pool.ts';
import { testSandbox } from './test-helpers.ts';

const t = testSandbox({ workers: 2, timeoutMs: 300, memoryMb: 32, idleMs: 60_000 });
afterAll(() => t.close());

const app = `const express = require("express");
const app = express();
app.get("/ok", (req, res) => res.json({ ok: true }));
app.get("/slow", (req, res) => { while (true) {} });
app.get("/slow-after-await", async (req, res) => { await db.query("SELECT 1 AS one"); for (;;) {} });
app.get("/slow-in-timer", (req, res) => { setTimeout(() => { while (true) {} }, 1); });
app.get("/memory", (req, res) => { const a = []; while (true) a.push(new Array(100000).fill("x")); });
app.get("/fill", (req, res) => res.json(new Array(1e8).fill(1).length));
app.get("/recursion", (req, res) => { function down(n) { return down(n + 1) + 1; } res.json(down(0)); });
app.get("/huge", (req, res) => res.send("x".repeat(2 * 1024 * 1024)));
app.get("/silent", (req, res) => {});
app.get("/bad-status", (req, res) => res.status(1234).send("?"));
app.get("/text-status", (req, res) => res.status("soon").send("?"));
app.listen(3000);`;

describe('limits', () => {
  it('stops an endless loop with a 504 naming the route, and keeps serving', async () => {
    expect(await t.load('lim', app)).toMatchObject({ ok: true });
    const started = Date.now();
    const r = await t.request('lim', 'GET', '/slow');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(r.status).toBe(504);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json()).toMatchObject({ type: '/problems/sandbox-timeout', status: 504, detail: expect.stringMatching(/^GET \/slow ran for more than 300 ms and was stopped/) });
    expect((await t.request('lim', 'GET', '/ok')).json()).toEqual({ ok: true });
  });

  it('stops an endless loop after an await, and one in a timer', async () => {
    const r = await t.request('lim', 'GET', '/slow-after-await');
    expect(r.status).toBe(504);
    expect(r.json().detail).toMatch(/^GET \/slow-after-await ran for more than 300 ms/);
    const timer = await t.request('lim', 'GET', '/slow-in-timer');
    expect(timer.status).toBe(504);
    expect((await t.request('lim', 'GET', '/ok')).status).toBe(200);
  });

  it('answers 503 when memory runs out, rebuilds the workspace, and serves again', async () => {
    for (const path of ['/memory', '/fill']) {
      const r = await t.request('lim', 'GET', path);
      expect(r.status, r.body).toBe(503);
      expect(r.json()).toMatchObject({ type: '/problems/sandbox-memory', detail: expect.stringContaining('32 MB') });
      expect((await t.request('lim', 'GET', '/ok')).json()).toEqual({ ok: true });
    }
  });

  it('counts what an app keeps between requests: past the limit it gets a 503 and only it is rebuilt', async () => {
    const hog = 'const kept = [];\nconst app = require("express")();\napp.get("/arrays", (req, res) => { kept.push(new Array(5e5).fill(kept.length)); res.json(kept.length); });\napp.get("/strings", (req, res) => { kept.push("x".repeat(4e6) + kept.length); res.json(kept.length); });\napp.listen(3000);';
    const counter = 'let n = 0; require("express")().get("/", (q, s) => s.json(++n)).listen(1);';
    // A fresh worker each (one thread, so the neighbour shares the hog's heap): memory a rebuilt
    // workspace freed is reused without the heap growing, which memory.ts sees only in part.
    for (const path of ['/arrays', '/strings']) {
      const one = testSandbox({ workers: 1, memoryMb: 32 });
      try {
        await one.load('neighbour', counter);
        expect((await one.request('neighbour', 'GET', '/')).json()).toBe(1);
        await one.load('hog', hog);
        // 4 MB a request: each alone is far below 32 MB.
        const statuses: number[] = [];
        while (statuses.length < 20 && !statuses.includes(503)) statuses.push((await one.request('hog', 'GET', path)).status);
        expect(statuses.at(-1), path).toBe(503);
        expect(statuses.slice(0, -1).every((s) => s === 200), path).toBe(true);
        // Refused once it held its limit plus at most the worker's free heap (16 MB at start).
        expect(statuses.length * 4, path).toBeLessThanOrEqual(32 + 16 + 4);
        expect(one.logs.find((l) => l.workspaceId === 'hog' && l.level === 'error')?.message).toMatch(/more than 32 MB/);
        expect((await one.request('hog', 'GET', path)).json(), 'rebuilt: its variables start empty').toBe(1);
        expect((await one.request('neighbour', 'GET', '/')).json(), 'the neighbour kept its state').toBe(2);
      } finally {
        await one.close();
      }
    }
  });

  it('turns deep recursion into a 500 problem with a message', async () => {
    const r = await t.request('lim', 'GET', '/recursion');
    expect(r.status).toBe(500);
    expect(r.json().detail).toMatch(/stack overflow/);
    expect((await t.request('lim', 'GET', '/ok')).status).toBe(200);
  });

  it('refuses response bodies over 1 MiB and invalid statuses', async () => {
    const r = await t.request('lim', 'GET', '/huge');
    expect(r.status).toBe(500);
    expect(r.json().detail).toMatch(/larger than 1048576 characters/);
    const s = await t.request('lim', 'GET', '/bad-status');
    expect(s.status).toBe(500);
    expect(s.json().detail).toMatch(/1234/);
    const text = await t.request('lim', 'GET', '/text-status');
    expect(text.status).toBe(500);
    expect(text.json().detail).toMatch(/status "soon"/);
  });

  it('answers 504 when the code never responds', async () => {
    const quick = testSandbox({ timeoutMs: 100, responseTimeoutMs: 300 });
    try {
      await quick.load('q', app);
      const r = await quick.request('q', 'GET', '/silent');
      expect(r.status).toBe(504);
      expect(r.json()).toMatchObject({ type: '/problems/sandbox-no-response', detail: expect.stringMatching(/^GET \/silent did not send a response within 300 ms/) });
    } finally {
      await quick.close();
    }
  });

  it('keeps serving another workspace while one is stuck in an endless loop', async () => {
    // Two workers, and two workspaces hashed to different ones: the stuck one holds only its thread.
    const one = testSandbox({ workers: 2, timeoutMs: 1500 });
    const other = ['fine', 'fine2', 'fine3', 'fine4'].find((id) => workerIndex(id, 2) !== workerIndex('stuck', 2))!;
    try {
      await one.load('stuck', app);
      await one.load(other, app);
      const stuck = one.request('stuck', 'GET', '/slow-after-await');
      let stuckDone = false;
      void stuck.then(() => (stuckDone = true));
      await new Promise((r) => setTimeout(r, 100));
      const answered: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await one.request(other, 'GET', '/ok');
        answered.push(r.status);
        expect(stuckDone).toBe(false);
      }
      expect(answered).toEqual([200, 200, 200]);
      expect((await stuck).status).toBe(504);
    } finally {
      await one.close();
    }
  });

  it('a burst of requests to an endless loop: its thread lives on, a neighbour there answers, the surplus is refused', async () => {
    const one = testSandbox({ workers: 1, timeoutMs: 400 });
    try {
      await one.load('loop', app);
      await one.load('calm', 'let n = 0; require("express")().get("/", (q, s) => s.json(++n)).listen(1);');
      expect((await one.request('calm', 'GET', '/')).json()).toBe(1);
      // Six loops are 2.4 s of thread time, more than the watchdog waits for a ping (1.9 s here):
      // the ping waits behind them, but the thread moves on from one to the next.
      const burst = Promise.all(Array.from({ length: 6 }, () => one.request('loop', 'GET', '/slow')));
      await new Promise((r) => setTimeout(r, 20));
      const calm = await one.request('calm', 'GET', '/');
      expect(calm.status, calm.body).toBe(200);
      expect(calm.json(), 'the neighbour was not restarted').toBe(2);
      expect((await burst).map((r) => r.status)).toEqual([504, 504, 504, 504, 504, 504]);
      // Its requests are known to cost the time limit now: another burst is cut to about 2 × the limit.
      const second = await Promise.all(Array.from({ length: 6 }, () => one.request('loop', 'GET', '/slow')));
      const refused = second.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(3);
      expect(second.filter((r) => r.status === 504).length).toBeGreaterThanOrEqual(1);
      expect(refused[0]!.json()).toMatchObject({ type: '/problems/sandbox-busy', detail: expect.stringMatching(/^GET \/slow was not run: your app already has \d+ requests? in progress/) });
      expect(refused[0]!.headers['retry-after']).toMatch(/^\d+$/);
      // One at a time is always let through.
      expect((await one.request('loop', 'GET', '/ok')).json()).toEqual({ ok: true });
    } finally {
      await one.close();
    }
  });

  it('replaces a worker stuck in a built-in that cannot be interrupted, answering 504, and logs it', async () => {
    const warnings: { fields: Record<string, unknown>; message: string }[] = [];
    const log = { warn: (fields: Record<string, unknown>, message: string) => warnings.push({ fields, message }) };
    const big = testSandbox({ workers: 1, timeoutMs: 100, memoryMb: 512, workerMemoryMb: 2048, stuckMarginMs: 200, log });
    try {
      await big.load('b', app.replace('1e8', '3e7'));
      await big.load('neighbour', app);
      const started = Date.now();
      const r = await big.request('b', 'GET', '/fill');
      expect(r.status).toBe(504);
      expect(r.json().detail).toMatch(/^GET \/fill ran for more than 100 ms/);
      expect(Date.now() - started).toBeLessThan(700);
      // The neighbour went with the thread: the log says which thread, why, and how many; and the
      // workspace that stalled it moves to the quarantine thread.
      expect(warnings).toEqual([
        {
          fields: { worker: 0, reason: 'it did not answer for more than 300 ms', workspaces: 2, openRequests: 1 },
          message: 'sandbox worker 0 replaced (it did not answer for more than 300 ms): its 2 loaded workspaces start again on their next request',
        },
        {
          fields: { workspace: 'b', minutes: 10 },
          message: 'sandbox workspace b stalled worker 0: it runs on the quarantine thread for the next 10 minutes, away from other workspaces',
        },
      ]);
      // A fresh worker loads the workspace again from the source the caller passes.
      expect((await big.request('b', 'GET', '/ok')).json()).toEqual({ ok: true });
    } finally {
      await big.close();
    }
  });

  it('a workspace that stalled its thread once runs apart afterwards: its next stall costs the neighbours nothing', async () => {
    const big = testSandbox({ workers: 1, timeoutMs: 100, memoryMb: 512, workerMemoryMb: 2048, stuckMarginMs: 200 });
    try {
      await big.load('b', app.replace('1e8', '3e7'));
      await big.load('counter', 'let n = 0; require("express")().get("/", (q, s) => s.json(++n)).listen(1);');
      expect((await big.request('counter', 'GET', '/')).json()).toBe(1);
      expect((await big.request('b', 'GET', '/fill')).status).toBe(504);
      // The first stall took the neighbour's state with the thread.
      expect((await big.request('counter', 'GET', '/')).json()).toBe(1);
      expect((await big.request('counter', 'GET', '/')).json()).toBe(2);
      expect((await big.request('b', 'GET', '/fill')).status).toBe(504);
      expect((await big.request('counter', 'GET', '/')).json()).toBe(3);
      expect((await big.request('b', 'GET', '/ok')).json()).toEqual({ ok: true });
    } finally {
      await big.close();
    }
  });

  it('stops an endless SQL statement at the time limit, on the thread it runs on: the neighbour keeps its state', async () => {
    const endless = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c';
    const one = testSandbox({ workers: 1, timeoutMs: 300, stuckMarginMs: 2000 });
    try {
      await one.load('sql', `const app = require("express")();\napp.get("/endless", async (req, res) => { try { res.json(await db.query(${JSON.stringify(endless)})); } catch (e) { res.status(500).json({ error: e.message }); } });\napp.listen(3000);`);
      await one.load('counter', 'let n = 0; require("express")().get("/", (q, s) => s.json(++n)).listen(1);');
      expect((await one.request('counter', 'GET', '/')).json()).toBe(1);
      const started = Date.now();
      const r = await one.request('sql', 'GET', '/endless');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(r.json()).toEqual({ error: 'The statement ran for more than 300 ms and was cancelled' });
      // The same thread: a stuck worker would have been replaced and the counter started again.
      expect((await one.request('counter', 'GET', '/')).json()).toBe(2);
      const consoleRun = await one.sandbox.sql('sql', endless, []).then(() => 'finished', (e: Error) => e.message);
      expect(consoleRun).toBe('The statement ran for more than 300 ms and was cancelled');
      expect((await one.request('counter', 'GET', '/')).json()).toBe(3);
    } finally {
      await one.close();
    }
  });

  it('keeps the statement time limit out of learner SQL: its key is not theirs, and extensions do not load', async () => {
    const one = testSandbox({ workers: 1 });
    try {
      await one.load('try', 'require("express")().get("/", async (q, s) => { const out = []; for (const sql of ["SELECT lab_deadline(\'0123456789abcdef\', 0)", "SELECT lab_deadline_key(\'0123456789abcdef0123\')", "SELECT load_extension(\'/tmp/x\')"]) { try { await db.query(sql); out.push("ran"); } catch (e) { out.push(e.message); } } s.json(out); }).listen(1);');
      expect((await one.request('try', 'GET', '/')).json()).toEqual(['lab_deadline: not allowed', 'lab_deadline_key: not allowed', 'not authorized']);
    } finally {
      await one.close();
    }
  });

  it('evicts idle workspaces and rebuilds them on demand', async () => {
    const idle = testSandbox({ idleMs: 100 });
    try {
      await idle.load('i', 'let n = 0; require("express")().get("/", (q, s) => s.json(++n)).listen(1);');
      expect((await idle.request('i', 'GET', '/')).json()).toBe(1);
      expect((await idle.request('i', 'GET', '/')).json()).toBe(2);
      await new Promise((r) => setTimeout(r, 400));
      expect((await idle.request('i', 'GET', '/')).json()).toBe(1);
    } finally {
      await idle.close();
    }
  });

  it('truncates long log lines and rate-limits them', async () => {
    await t.load('noisy', 'console.log("y".repeat(50000)); for (let i = 0; i < 500; i++) console.log("line " + i);');
    await new Promise((r) => setTimeout(r, 100));
    const mine = t.logs.filter((l) => l.workspaceId === 'noisy');
    expect(mine[0]!.message.length).toBeLessThan(10_100);
    expect(mine[0]!.message).toMatch(/more characters\)$/);
    expect(mine.length).toBe(100);
  });
});
