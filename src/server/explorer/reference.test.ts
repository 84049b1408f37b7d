import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialects, type TestDatabase } from '../../../test/helpers/databases.ts';
import { SQLITE_FILE } from '../db/connection.ts';
import { openReference, type ReferenceDb } from './reference.ts';

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

/** The reference reader's own guarantees, with a short time limit: the API tests cannot wait 5 s. */
describe.each(testDialects())('the read-only reference reader (%s)', (dialect) => {
  let database: TestDatabase;
  let reference: ReferenceDb;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    const setup = ['CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, api_token TEXT)', "INSERT INTO notes (id, body, api_token) VALUES (1, 'a', 't1'), (2, 'b', 't2'), (3, 'c', NULL), (4, 'd', 't4')"];
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
  });

  it('stops a runaway statement at the time limit and answers the next one', async () => {
    const started = Date.now();
    await expect(reference.sql(RUNAWAY, [])).rejects.toThrow(/more than 300 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
    const after = await reference.sql('SELECT count(*) AS n FROM notes', []);
    expect(Number(after.rows[0]![0])).toBe(4);
  });

  it('returns at most maxRows rows and says it cut the rest; secrets stay hidden', async () => {
    const result = await reference.sql('SELECT id, api_token FROM notes ORDER BY id', []);
    expect(result).toMatchObject({ columns: ['id', 'api_token'], truncated: true, rows: [[1, '[redacted]'], [2, '[redacted]'], [3, null]] });
    const page = await reference.rows({ table: 'notes', page: 2, limit: 3 });
    expect(page).toMatchObject({ total: 4, rows: [[4, 'd', '[redacted]']] });
  });

  it('is read-only in the database itself, past the statement check', async () => {
    // Starts with WITH, so the check lets it through; the connection or transaction refuses.
    await expect(reference.sql("WITH x AS (SELECT 1) UPDATE notes SET body = 'changed'", [])).rejects.toThrow(/read-?only|syntax|DECLARE/i);
    await expect(reference.sql('INSERT INTO notes (id) VALUES (9)', [])).rejects.toThrow(/read-only/);
    const bodies = await reference.sql('SELECT body FROM notes ORDER BY id', []);
    expect(bodies.rows.map((r) => r[0])).toEqual(['a', 'b', 'c']);
  });
});
