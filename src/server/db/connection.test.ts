import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE } from './connection.ts';

describe('SQLite transactions', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  // A second connection (the request-log thread has one) committing between a transaction's read
  // and its write made that write fail at once with SQLITE_BUSY_SNAPSHOT: a 500 on a token refresh.
  it('hold the write lock from their first statement, so a read-then-write cannot be overtaken', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-trx-'));
    dirs.push(dir);
    const db = openDatabase({ databaseUrl: undefined, dataDir: dir });
    await sql`create table t (n integer)`.execute(db.kysely);
    const other = new SQLite(path.join(dir, SQLITE_FILE), { timeout: 0 });
    try {
      let otherWrite: unknown;
      await db.kysely.transaction().execute(async (trx) => {
        await sql`select count(*) from t`.execute(trx);
        try {
          other.prepare('insert into t values (1)').run();
        } catch (error) {
          otherWrite = error;
        }
        await sql`insert into t values (2)`.execute(trx);
      });
      expect((otherWrite as { code?: string }).code).toBe('SQLITE_BUSY');
      expect(other.prepare('select n from t').all()).toEqual([{ n: 2 }]);
    } finally {
      other.close();
      await db.close();
    }
  });
});
