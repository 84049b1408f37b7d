import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../../test/helpers/databases.ts';
import { SQLITE_FILE } from '../db/connection.ts';
import { readerRoleName } from './pg-reader.ts';
import { openReference, type ReferenceDb } from './reference.ts';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
const ARGON2 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2g';
const DIGEST = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

/** The reference reader's own guarantees, with a short time limit: the API tests cannot wait 5 s. */
describe.each(testDialects())('the read-only reference reader (%s)', (dialect) => {
  let database: TestDatabase;
  let reference: ReferenceDb;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const setup = [
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, api_token TEXT, token_version INTEGER)',
      "INSERT INTO notes (id, body, api_token, token_version) VALUES (1, 'a', 't1', 0), (2, 'b', 't2', 1), (3, 'c', NULL, 2), (4, 'd', 't4', 3)",
      'CREATE INDEX notes_api_token ON notes (api_token)',
      // Secrets where no name says so: the shape net's work.
      `CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT)`,
      `INSERT INTO logs (id, line) VALUES (1, 'GET /x?access=${JWT}'), (2, '${ARGON2}'), (3, '${DIGEST}'), (4, 'plain words')`,
      'ANALYZE',
    ];
    if (database.databaseUrl) {
      const client = new pg.Client({ connectionString: database.databaseUrl });
      await client.connect();
      for (const statement of setup) await client.query(statement);
      await client.end();
    } else {
      fs.mkdirSync(database.dataDir, { recursive: true });
      const db = new Database(path.join(database.dataDir, SQLITE_FILE));
      db.pragma('journal_mode = WAL');
      for (const statement of setup) db.exec(statement);
      db.close();
    }
    reference = openReference({ dataDir: database.dataDir, databaseUrl: database.databaseUrl, timeoutMs: 300, maxRows: 3 });
    // Started before the clock matters: SQLite's reader is a thread that loads TypeScript first.
    await reference.schema();
  });
  afterAll(async () => {
    await reference?.close();
    await database?.drop();
    if (database?.databaseUrl) {
      const admin = new pg.Client({ connectionString: inject('postgresAdminUrl')! });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS "${readerRoleName(database.databaseUrl)}"`);
      await admin.end();
    }
  });

  it('stops a runaway statement at the time limit and answers the next one', async () => {
    const started = Date.now();
    await expect(reference.sql(RUNAWAY, [])).rejects.toThrow(/more than 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    const after = await reference.sql('SELECT count(*) AS n FROM notes', []);
    expect(Number(after.rows[0]![0])).toBe(4);
  });

  it('returns at most maxRows rows and says it cut the rest; the rows view shows secrets as [redacted]', async () => {
    const result = await reference.sql('SELECT id, token_version FROM notes ORDER BY id', []);
    expect(result).toMatchObject({ columns: ['id', 'token_version'], truncated: true, rows: [[1, 0], [2, 1], [3, 2]] });
    const page = await reference.rows({ table: 'notes', page: 2, limit: 3 });
    expect(page).toMatchObject({ columns: ['id', 'body', 'api_token', 'token_version'], total: 4, rows: [[4, 'd', '[redacted]', 3]] });
    const schema = await reference.schema();
    const columns = schema.tables.find((t) => t.name === 'notes')!.columns;
    expect(columns.filter((c) => c.redacted).map((c) => c.name)).toEqual(['api_token']);
  });

  it.each([
    'SELECT api_token FROM notes',
    'SELECT * FROM notes',
    "SELECT api_token || '' AS p FROM notes",
    'SELECT upper(api_token) FROM notes',
    'SELECT substr(api_token, 1, 1) FROM notes',
    'SELECT length(api_token) FROM notes',
    'SELECT max(api_token) FROM notes',
    'SELECT count(*) FROM notes WHERE api_token = ?',
    "SELECT count(*) FROM notes WHERE api_token LIKE 't%'",
    'SELECT id FROM notes ORDER BY api_token',
    'SELECT a.id FROM notes a JOIN notes b ON a.api_token = b.api_token',
    'WITH t AS (SELECT api_token AS p FROM notes) SELECT p FROM t',
    'SELECT (SELECT api_token FROM notes WHERE id = 1) AS p',
    'SELECT id FROM notes WHERE id IN (SELECT id FROM notes WHERE api_token IS NOT NULL)',
    'SELECT n.* FROM notes n',
    'EXPLAIN SELECT api_token FROM notes',
  ])('refuses a statement that reads a secret column in any way: %s', async (statement) => {
    const params = statement.includes('?') ? ['t1'] : [];
    await expect(reference.sql(statement, params)).rejects.toThrow(/secret|permission denied/);
  });

  it('refuses to explain a statement on a secret column, and explains one without', async () => {
    await expect(reference.explain('SELECT id FROM notes WHERE api_token = ?', ['t1'])).rejects.toThrow(/secret|permission denied/);
    expect((await reference.explain('SELECT body FROM notes WHERE id = ?', [1])).plan.length).toBeGreaterThan(0);
  });

  it('refuses them on each dialect\'s own back doors too', async () => {
    if (dialect === 'sqlite') {
      for (const statement of [
        'SELECT hex(api_token) FROM notes',
        "SELECT group_concat(api_token, ',') FROM notes",
        'SELECT typeof(api_token) FROM notes',
        'SELECT id FROM notes INDEXED BY notes_api_token WHERE api_token > 0',
        // ANALYZE keeps sample entries of each index, the secret ones' too.
        'SELECT sample FROM sqlite_stat4',
      ]) {
        await expect(reference.sql(statement, []), statement).rejects.toThrow(/secret/);
      }
      expect((await reference.sql('SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY idx', [])).rows.length).toBeGreaterThan(0);
    } else {
      for (const statement of [
        "SELECT encode(convert_to(api_token, 'UTF8'), 'hex') FROM notes",
        "SELECT string_agg(api_token, ',') FROM notes",
        "SELECT query_to_xml('SELECT api_token FROM notes', true, false, '')",
        // A SET ROLE could be undone so; a login role cannot.
        "SELECT set_config('role', 'none', true), query_to_xml('SELECT api_token FROM notes', true, false, '')",
        'SELECT to_jsonb(n) FROM notes n',
      ]) {
        await expect(reference.sql(statement, []), statement).rejects.toThrow(/permission denied/);
      }
      // ANALYZE keeps common values and bounds of each column; pg_stats shows only the readable ones.
      const stats = await reference.sql("SELECT attname::text FROM pg_stats WHERE tablename = 'notes' ORDER BY attname", []);
      expect(stats.rows.map((r) => r[0])).toEqual(['body', 'id', 'token_version']);
    }
    // Views cannot be made on the fly to read through: the connection or transaction is read-only.
    await expect(reference.sql('CREATE TEMP VIEW v AS SELECT * FROM notes', [])).rejects.toThrow(/read-only/);
  });

  it('redacts values shaped like secrets in any column, and in error messages', async () => {
    const result = await reference.sql('SELECT line FROM logs ORDER BY id', []);
    expect(result.rows.map((r) => r[0])).toEqual(['GET /x?access=[redacted]', '[redacted]', '[redacted]']);
    expect((await reference.sql('SELECT line FROM logs WHERE id = 4', [])).rows).toEqual([['plain words']]);
    const page = await reference.rows({ table: 'logs', page: 1, limit: 10 });
    expect(page!.rows.map((r) => r[1])).toEqual(['GET /x?access=[redacted]', '[redacted]', '[redacted]', 'plain words']);
    if (dialect === 'postgres') {
      // PostgreSQL quotes the value it could not cast.
      const error = await reference.sql('SELECT line::integer FROM logs WHERE id = 2', []).catch((e: Error) => e);
      expect((error as Error).message).toMatch(/invalid input syntax/);
      expect((error as Error).message).not.toContain('argon2');
    }
  });

  it('is read-only in the database itself, past the statement check', async () => {
    // Starts with WITH, so the check lets it through; the connection or transaction refuses.
    await expect(reference.sql("WITH x AS (SELECT 1) UPDATE notes SET body = 'changed'", [])).rejects.toThrow(/read-?only|syntax|DECLARE/i);
    await expect(reference.sql('INSERT INTO notes (id) VALUES (9)', [])).rejects.toThrow(/read-only/);
    const bodies = await reference.sql('SELECT body FROM notes ORDER BY id', []);
    expect(bodies.rows.map((r) => r[0])).toEqual(['a', 'b', 'c']);
  });
});
