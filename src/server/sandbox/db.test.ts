import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../../test/helpers/databases.ts';
import { pgRolePrefix } from './db.ts';
import { testSandbox } from './test-helpers.ts';

const app = `const express = require("express");
const app = express();
app.use(express.json());
app.post("/setup", async (req, res) => {
  await db.query("CREATE TABLE users(id INT PRIMARY KEY, email VARCHAR(100))");
  res.json({ ok: true });
});
app.post("/users", async (req, res) => {
  const info = await db.query("INSERT INTO users(id, email) VALUES (?, ?)", [req.body.id, req.body.email]);
  res.status(201).json(info);
});
app.get("/users", async (req, res) => res.json(await db.query("SELECT id, email FROM users ORDER BY id")));
app.get("/placeholders", async (req, res) => res.json({
  dollar: await db.query("SELECT email FROM users WHERE id = $1 AND email <> $2", [1, "x"]),
  question: await db.query("SELECT email FROM users WHERE id = ?", [2]),
  inString: await db.query("SELECT '$1' AS s, email FROM users WHERE id = ?", [1]),
}));
app.get("/sql", async (req, res) => {
  try { res.json(await db.query(req.query.q)); } catch (err) { res.status(400).json({ error: err.message }); }
});
app.post("/docs", async (req, res) => {
  const a = await db.users.insertOne({ name: "Ada", age: 36, tags: ["math"] });
  await db.collection("users").insertMany([{ name: "Bob", age: 25 }, { name: "Cy", age: 41, city: "Oslo" }]);
  res.json({ insertedId: a.insertedId });
});
app.get("/docs", async (req, res) => {
  const older = await db.users.find({ age: { $gte: 30 } });
  const sorted = await db.users.find({}).sort({ age: -1 }).limit(2).toArray();
  const some = await db.users.find({ $or: [{ name: { $regex: "^B" } }, { city: { $exists: true } }] }, { projection: { _id: 0, name: 1 } });
  const inList = await db.users.countDocuments({ name: { $in: ["Ada", "Cy"] }, age: { $ne: 41, $lt: 100 } });
  const notIn = await db.users.countDocuments({ $and: [{ name: { $nin: ["Ada"] } }, { age: { $gt: 20, $lte: 25 } }] });
  res.json({ older: older.map((d) => d.name), sorted: sorted.map((d) => d.name), some, inList, notIn });
});
app.post("/docs/update", async (req, res) => {
  const u1 = await db.users.updateOne({ name: "Ada" }, { $set: { city: "London" }, $inc: { age: 1 }, $push: { tags: "code" } });
  const u2 = await db.users.updateOne({ name: "Cy" }, { $unset: { city: "" } });
  const d = await db.users.deleteOne({ name: "Bob" });
  const ada = await db.users.findOne({ name: "Ada" });
  const cy = await db.users.findOne({ name: "Cy" });
  let dup = null;
  try { await db.users.insertOne({ _id: ada._id }); } catch (err) { dup = err.message; }
  res.json({ u1, u2, d, ada, cy, count: await db.users.countDocuments(), dup });
});
app.post("/regex", async (req, res) => {
  const mail = db.collection("mail");
  await mail.insertMany([{ email: "ann@gmail.com" }, { email: "bob@yahoo.com" }, { email: "cid@yahoo.com" }]);
  const gmail = await mail.find({ email: /@gmail\\.com$/ }).toArray();
  const yahooOrAnn = await mail.countDocuments({ email: { $in: [/^ann/, /yahoo/] } });
  const deleted = await mail.deleteMany({ email: { $regex: /YAHOO/i } });
  let slow = null;
  try { await mail.find({ email: { $regex: "^(a+)+$" } }).toArray(); } catch (err) { slow = err.message; }
  res.json({ gmail: gmail.map((d) => d.email), yahooOrAnn, deleted: deleted.deletedCount, left: await mail.countDocuments(), slow });
});
app.listen(3000);`;

for (const dialect of testDialects()) {
  describe(`workspace databases on ${dialect}`, () => {
    let database: TestDatabase;
    let t: ReturnType<typeof testSandbox>;

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      t = testSandbox({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, workers: 2 });
      for (const id of ['alpha', 'beta']) expect(await t.load(id, app)).toMatchObject({ ok: true });
    });
    afterAll(async () => {
      await t.close();
      await database.drop();
      if (database.databaseUrl) await dropRoles(database.databaseUrl);
    });

    it('runs CREATE TABLE, INSERT and SELECT through db.query', async () => {
      expect((await t.request('alpha', 'POST', '/setup')).json()).toEqual({ ok: true });
      const info = await t.request('alpha', 'POST', '/users', { body: { id: 1, email: 'ada@example.com' } });
      expect(info.status).toBe(201);
      expect(info.json()).toMatchObject({ rowsAffected: 1 });
      await t.request('alpha', 'POST', '/users', { body: { id: 2, email: 'bob@example.com' } });
      expect((await t.request('alpha', 'GET', '/users')).json()).toEqual([
        { id: 1, email: 'ada@example.com' },
        { id: 2, email: 'bob@example.com' },
      ]);
      const dup = await t.request('alpha', 'GET', `/sql?q=${encodeURIComponent('INSERT INTO users(id, email) VALUES (1, \'x\')')}`);
      expect(dup.status).toBe(400);
      expect(dup.json().error).toMatch(/UNIQUE|duplicate key/);
    });

    it('takes ? and $1 placeholders alike, in code, the console and explain', async () => {
      const r = await t.request('alpha', 'GET', '/placeholders');
      expect(r.status, r.body).toBe(200);
      expect(r.json()).toEqual({ dollar: [{ email: 'ada@example.com' }], question: [{ email: 'bob@example.com' }], inString: [{ s: '$1', email: 'ada@example.com' }] });
      expect((await t.sandbox.sql('alpha', 'SELECT id FROM users WHERE email = $1', ['bob@example.com'])).rows).toEqual([[2]]);
      expect((await t.sandbox.explain('alpha', 'SELECT id FROM users WHERE id = $1', [1])).plan.length).toBeGreaterThan(0);
    });

    it('serves the SQL console with columns and array rows', async () => {
      const r = await t.sandbox.sql('alpha', 'SELECT id, email FROM users WHERE id = ?', [2]);
      expect(r).toEqual({ columns: ['id', 'email'], rows: [[2, 'bob@example.com']], rowsAffected: 0 });
      expect(await t.sandbox.sql('alpha', 'UPDATE users SET email = ? WHERE id > ?', ['z', 0])).toMatchObject({ rowsAffected: 2 });
      await expect(t.sandbox.sql('alpha', 'SELECT * FROM nope', [])).rejects.toThrow(/nope/);
    });

    it('keeps workspaces apart: no table or document of another is visible', async () => {
      await t.request('alpha', 'POST', '/docs');
      const r = await t.request('beta', 'GET', `/sql?q=${encodeURIComponent('SELECT * FROM users')}`);
      expect(r.status).toBe(400);
      expect(r.json().error).toMatch(/no such table|does not exist/);
      expect((await t.request('beta', 'GET', '/docs')).json()).toMatchObject({ older: [], inList: 0 });
      // beta's own (empty) document table, created by its own find().
      const own = await t.sandbox.sql('beta', 'SELECT count(*) AS n FROM _lab_documents', []);
      expect(Number(own.rows[0]![0])).toBe(0);
    });

    it('stores documents and queries them with mingo operators', async () => {
      const r = (await t.request('alpha', 'GET', '/docs')).json();
      expect(r).toEqual({ older: ['Ada', 'Cy'], sorted: ['Cy', 'Ada'], some: [{ name: 'Bob' }, { name: 'Cy' }], inList: 1, notIn: 1 });
      const u = (await t.request('alpha', 'POST', '/docs/update')).json();
      expect(u.u1).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      expect(u.u2).toMatchObject({ matchedCount: 1, modifiedCount: 1 });
      expect(u.d).toEqual({ acknowledged: true, deletedCount: 1 });
      expect(u.ada).toMatchObject({ name: 'Ada', age: 37, city: 'London', tags: ['math', 'code'], _id: expect.stringMatching(/^[0-9a-f]{24}$/) });
      expect(u.cy).not.toHaveProperty('city');
      expect(u.count).toBe(2);
      expect(u.dup).toMatch(/^E11000 duplicate key error/);
    });

    it('matches RegExp literals in filters as Mongo does, and refuses a pattern that can take exponential time', async () => {
      const r = await t.request('beta', 'POST', '/regex');
      expect(r.status, r.body).toBe(200);
      expect(r.json()).toEqual({ gmail: ['ann@gmail.com'], yahooOrAnn: 3, deleted: 2, left: 1, slow: expect.stringMatching(/exponential time/) });
    });

    it('resets a workspace database: tables and collections gone, the other untouched', async () => {
      await t.request('beta', 'POST', '/setup');
      await t.sandbox.reset('alpha');
      expect((await t.request('alpha', 'GET', '/users')).status).toBe(500);
      expect((await t.request('alpha', 'GET', '/docs')).json()).toMatchObject({ older: [] });
      expect((await t.request('beta', 'GET', '/users')).json()).toEqual([]);
      expect((await t.request('alpha', 'POST', '/setup')).json()).toEqual({ ok: true });
    });

    it('a reset by another process: documents work again at once, without waiting to hear of it', async () => {
      // A second sandbox over the same database is what a second instance of the lab is.
      const other = testSandbox({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, workers: 1 });
      try {
        for (const s of [t, other]) expect(await s.load('gamma', app)).toMatchObject({ ok: true });
        expect((await other.request('gamma', 'POST', '/docs')).status).toBe(200);
        await t.sandbox.reset('gamma');
        const after = await other.request('gamma', 'GET', '/docs');
        expect(after.status, after.body).toBe(200);
        expect(after.json()).toMatchObject({ older: [], inList: 0 });
        expect((await other.request('gamma', 'POST', '/docs')).status).toBe(200);
      } finally {
        await other.sandbox.close();
      }
    });

    if (dialect === 'sqlite') {
      it('refuses statements that reach outside the workspace file', async () => {
        for (const sql of ["ATTACH DATABASE '/tmp/other.sqlite' AS other", "VACUUM INTO '/tmp/copy.sqlite'", 'PRAGMA max_page_count = 100000000', '/* x */ attach \'x\' as y', 'PRAGMA database_list', 'SELECT file FROM pragma_database_list']) {
          await expect(t.sandbox.sql('alpha', sql, [])).rejects.toThrow(/not available|cannot be changed/);
        }
        expect(await t.sandbox.sql('alpha', 'PRAGMA table_info(users)', [])).toMatchObject({ columns: expect.arrayContaining(['name']) });
      });
    } else {
      it('runs learner SQL as the workspace role: other schemas, the lab tables and role tricks are refused', async () => {
        await t.request('beta', 'POST', '/users', { body: { id: 9, email: 'secret@beta' } });
        const attempts = [
          'SELECT * FROM ws_beta.users',
          'SET ROLE postgres',
          "DO $$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'CREATE TABLE ws_beta.stolen AS SELECT * FROM ws_beta.users'; END $$",
          "SELECT pg_read_file('/etc/passwd')",
          'CREATE SCHEMA mine',
        ];
        for (const sql of attempts) await expect(t.sandbox.sql('alpha', sql, []), sql).rejects.toThrow(/permission denied|must be|not allowed/);
        await expect(t.sandbox.sql('alpha', 'SELECT 1; SELECT 2', [])).rejects.toThrow(/multiple commands|cannot insert/);
        expect((await t.request('beta', 'GET', '/users')).json()).toEqual([{ id: 9, email: 'secret@beta' }]);
      });
    }
  });
}

/** Roles are per cluster: the ones the dropped test database created go too. */
async function dropRoles(databaseUrl: string) {
  const admin = inject('postgresAdminUrl');
  if (!admin) return;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`${pgRolePrefix(databaseUrl)}%`]);
    for (const { rolname } of rows) await client.query(`DROP ROLE IF EXISTS "${rolname}"`);
  } finally {
    await client.end();
  }
}
