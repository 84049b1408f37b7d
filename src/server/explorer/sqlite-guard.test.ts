import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkNoSecretReads } from './sqlite-guard.ts';

/** The guard on a real SQLite database, with the shapes the lab's schema could take one day. */
describe('checkNoSecretReads', () => {
  let db: Database.Database;
  const check = (sql: string, params: unknown[] = []) => () => checkNoSecretReads(db, sql, params);
  beforeAll(() => {
    db = new Database(':memory:');
    db.exec(`
      CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, token_version INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE tokens (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, token_hash TEXT NOT NULL UNIQUE);
      CREATE TABLE keyed (name TEXT PRIMARY KEY, api_key TEXT) WITHOUT ROWID;
      CREATE TABLE derived (id INTEGER PRIMARY KEY, secret TEXT, shout TEXT GENERATED ALWAYS AS (upper(secret)) VIRTUAL);
      CREATE TABLE plain (id INTEGER PRIMARY KEY, note TEXT);
      CREATE INDEX tokens_lower ON tokens (lower(user_id));
      CREATE INDEX users_partial ON users (email) WHERE password_hash LIKE '$argon2%';
      INSERT INTO users (id, email, password_hash) VALUES (1, 'a@x.test', '$argon2id$v=19$x');
      INSERT INTO tokens (id, user_id, token_hash) VALUES (1, 1, 'abc');
    `);
  });

  it('lets through what reads no secret, token_version included', () => {
    for (const sql of [
      'SELECT id, email, token_version FROM users',
      'SELECT count(*) FROM users',
      'SELECT count(*) FROM tokens',
      'SELECT t.user_id, u.email FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.email = ?',
      'SELECT count(*) FROM keyed',
      'SELECT * FROM plain',
      'SELECT name, sql FROM sqlite_schema',
      'SELECT * FROM pragma_table_info(?)',
      'EXPLAIN QUERY PLAN SELECT email FROM users',
    ]) {
      expect(check(sql, sql.includes('?') ? ['users'] : []), sql).not.toThrow();
    }
  });

  it('refuses a secret column read in any expression, filter, sort or subquery', () => {
    for (const sql of [
      "SELECT password_hash || '' AS p FROM users",
      'SELECT hex(password_hash) FROM users',
      "SELECT count(*) FROM users WHERE password_hash LIKE '$argon2%' AND id > 0",
      'SELECT id FROM users ORDER BY password_hash',
      'WITH x AS (SELECT password_hash AS p FROM users) SELECT p FROM x',
      'SELECT * FROM (SELECT * FROM users)',
      'SELECT shout FROM derived',
      'SELECT * FROM keyed',
      // A WITHOUT ROWID table keeps its fields in key order: with a secret among them, none is read.
      'SELECT name FROM keyed',
      'EXPLAIN SELECT password_hash FROM users',
      'EXPLAIN QUERY PLAN SELECT max(password_hash) FROM users',
      '/* a comment */ EXPLAIN /* another */ QUERY PLAN SELECT password_hash FROM users',
    ]) {
      expect(check(sql), sql).toThrow(/secret/);
    }
  });

  it('refuses walking an index that holds a secret, and says how to read the table instead', () => {
    expect(check('SELECT id FROM tokens WHERE token_hash = ?', ['abc'])).toThrow(/index sqlite_autoindex_tokens_1, which holds tokens\.token_hash.*NOT INDEXED/);
    expect(check('SELECT id FROM tokens INDEXED BY sqlite_autoindex_tokens_1')).toThrow(/secret/);
    // An expression or partial index on a table with secrets might be built on one of them.
    expect(check("SELECT id FROM users INDEXED BY users_partial WHERE email = 'a@x.test' AND password_hash LIKE '$argon2%'")).toThrow(/secret/);
    expect(check('SELECT id FROM tokens WHERE lower(user_id) = 1')).toThrow(/tokens_lower/);
  });

  it('refuses writes before looking further', () => {
    expect(check("WITH x AS (SELECT 1) UPDATE plain SET note = 'x'")).toThrow(/read-only/);
    expect(check('EXPLAIN DELETE FROM plain')).toThrow(/read-only/);
  });

  it('sees a column that became secret after a schema change', () => {
    db.exec('CREATE TABLE later (id INTEGER PRIMARY KEY, note TEXT)');
    expect(check('SELECT note FROM later')).not.toThrow();
    db.exec('ALTER TABLE later ADD COLUMN client_secret TEXT');
    expect(check('SELECT * FROM later')).toThrow(/later\.client_secret/);
  });
});
