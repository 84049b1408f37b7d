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

describe('SQLite rows', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  const open = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-rows-'));
    dirs.push(dir);
    return openDatabase({ databaseUrl: undefined, dataDir: dir });
  };

  it('come back as plain objects of their columns, from selects and from returning', async () => {
    const db = open();
    try {
      await sql`create table t (id integer primary key, name text, score real)`.execute(db.kysely);
      const inserted = await sql<{ id: number; name: string }>`insert into t (name, score) values (${'ada'}, ${1.5}) returning id, name`.execute(db.kysely);
      expect(inserted.rows).toEqual([{ id: 1, name: 'ada' }]);
      const update = await sql`update t set score = 2 where id = 1`.execute(db.kysely);
      expect(update.numAffectedRows).toBe(1n);
      const rows = await sql<Record<string, unknown>>`select * from t`.execute(db.kysely);
      expect(rows.rows).toEqual([{ id: 1, name: 'ada', score: 2 }]);
      expect(Object.getPrototypeOf(rows.rows[0])).toBe(Object.prototype);
    } finally {
      await db.close();
    }
  });

  it('make a column called __proto__ a property, never the prototype, and keep the last of two same names', async () => {
    const db = open();
    try {
      const { rows } = await sql<Record<string, unknown>>`select 1 as "__proto__", 'a' as x, 'b' as x`.execute(db.kysely);
      const row = rows[0]!;
      expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(1);
      expect(row.x).toBe('b');
    } finally {
      await db.close();
    }
  });
});
