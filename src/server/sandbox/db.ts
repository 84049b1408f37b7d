import { createHash, createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { find as mingoFind, Query, update as mingoUpdate } from 'mingo';
import pg from 'pg';
import { pgExplain, pgRows, pgSchema } from '../explorer/postgres.ts';
import { sqliteExplain, sqliteRows, sqliteSchema } from '../explorer/sqlite.ts';
import type { DbSchema, Explained, RowsPage, RowsRequest } from '../explorer/types.ts';
import { isInterrupted, limitStatements } from '../db/statement-deadline.ts';
import { reviveFilter } from './filters.ts';
import { hasNumberedPlaceholders, numberPlaceholders } from './placeholders.ts';
import type { SqlResult } from './types.ts';

/**
 * A workspace's own database, used by learner code (db.query, db.<collection>) and the SQL console.
 *
 * SQLite: one file per workspace, <dataDir>/workspaces/<id>.sqlite (WAL, foreign keys on).
 * Statements that reach outside the file are refused (ATTACH, DETACH, VACUUM INTO, PRAGMAs that
 * change limits or the schema's trust); learner SQL cannot load extensions (only our C-API load of
 * the statement time limit, statement-deadline.ts, which interrupts a statement past the limit).
 *
 * PostgreSQL: one schema per workspace (ws_<id>) owned by one login role per workspace
 * (lab_<database hash>_<id>), and learner SQL runs on a connection logged in as that role — not a
 * `SET ROLE`, which a DO block could undo. The role owns its schema and nothing else, so other
 * workspaces' schemas and the lab's own tables are "permission denied". Each statement is sent with
 * the extended protocol, so it is exactly one statement, and is cancelled after the time limit.
 *
 * Documents (db.users.insertOne…) live in the same database, in `_lab_documents`, one JSON text per
 * row; matching and updates are mingo's, on the host.
 */

export type QueryOutput =
  | { rows: Record<string, unknown>[] }
  | { rowsAffected: number; lastInsertId: number | string | null };

interface Dialect {
  /** Learner SQL: rows as objects, or what changed. */
  query(sql: string, params: unknown): Promise<QueryOutput>;
  /** Console SQL: rows as arrays with column names. */
  console(sql: string, params: unknown[]): Promise<SqlResult>;
  /** Our own SQL with `?` placeholders. */
  own(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** The database explorer: tables with columns, indexes and foreign keys; a page of rows; a plan. */
  schema(): Promise<DbSchema>;
  rows(request: RowsRequest): Promise<RowsPage | null>;
  explain(sql: string, params: unknown[]): Promise<Explained>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  dataDir: string;
  databaseUrl?: string;
  timeoutMs: number;
}

export const WORKSPACE_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function checkWorkspaceId(id: string) {
  if (typeof id !== 'string' || !WORKSPACE_ID.test(id)) {
    throw new Error(`Invalid workspace id ${JSON.stringify(id)}: letters, digits, _ and - only (at most 100)`);
  }
}

const MAX_DOCUMENTS = 10_000;

// ---- SQLite -----------------------------------------------------------------------------------

/** The first words of a statement, comments skipped, upper-case. */
function leadingWords(sql: string, count: number): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < sql.length && words.length < count) {
    const rest = sql.slice(i);
    const skip = /^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?(\*\/|$))/.exec(rest);
    if (skip) {
      i += skip[0].length;
      continue;
    }
    const word = /^[A-Za-z_]+/.exec(rest);
    if (!word) break;
    words.push(word[0].toUpperCase());
    i += word[0].length;
  }
  return words;
}

const READ_PRAGMAS_WITH_ARGUMENT = new Set(['TABLE_INFO', 'TABLE_XINFO', 'INDEX_LIST', 'INDEX_INFO', 'INDEX_XINFO', 'FOREIGN_KEY_LIST', 'FOREIGN_KEY_CHECK', 'INTEGRITY_CHECK', 'QUICK_CHECK']);
const ALLOWED_PRAGMA_WRITES = new Set(['FOREIGN_KEYS', 'RECURSIVE_TRIGGERS', 'CASE_SENSITIVE_LIKE', 'DEFER_FOREIGN_KEYS']);

export function refuseSqlite(sql: string) {
  let words = leadingWords(sql, 6);
  if (words[0] === 'EXPLAIN') words = words.slice(words[1] === 'QUERY' ? 3 : 1);
  const first = words[0];
  if (first === 'ATTACH' || first === 'DETACH') {
    throw new Error(`${first} is not available in the Backend Lab: each workspace has exactly one database`);
  }
  if (first === 'VACUUM' && /\binto\b/i.test(sql)) throw new Error('VACUUM INTO is not available in the Backend Lab');
  // The pragma and its table-valued form name the database file, a path on the server.
  if (/database_list/i.test(sql)) throw new Error('PRAGMA database_list is not available in the Backend Lab: it shows where the server keeps its files');
  if (first === 'PRAGMA') {
    const name = (words[1] ?? '').toUpperCase();
    const hasValue = /^\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*pragma\s+[\w.]+\s*[=(]/i.test(sql);
    if (hasValue && !ALLOWED_PRAGMA_WRITES.has(name) && !READ_PRAGMAS_WITH_ARGUMENT.has(name)) {
      throw new Error(`PRAGMA ${name.toLowerCase()} cannot be changed in the Backend Lab (only foreign_keys, recursive_triggers, case_sensitive_like, defer_foreign_keys)`);
    }
  }
}

function sqliteValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

function sqliteParams(params: unknown): unknown[] | Record<string, unknown> {
  if (Array.isArray(params)) return params.map(sqliteValue);
  if (params && typeof params === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) out[k.replace(/^[:@$]/, '')] = sqliteValue(v);
    return out;
  }
  return params === undefined || params === null ? [] : [sqliteValue(params)];
}

function openSqlite(file: string, timeoutMs: number): Dialect {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('trusted_schema = OFF');
  db.pragma('busy_timeout = 2000');
  limitStatements(db, timeoutMs);
  const prepare = (sql: string) => {
    refuseSqlite(sql);
    return db.prepare(sql);
  };
  /** A statement stopped at the time limit says so, in the words PostgreSQL's cancellation gets. */
  const timed = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (isInterrupted(error)) throw new Error(`The statement ran for more than ${timeoutMs} ms and was cancelled`);
      throw error;
    }
  };
  const bind = (params: unknown, sql: string) => {
    const p = sqliteParams(params);
    // `$1` is PostgreSQL's spelling; SQLite reads it as the named parameter "1".
    if (Array.isArray(p) && p.length > 0 && hasNumberedPlaceholders(sql)) return [Object.fromEntries(p.map((v, i) => [String(i + 1), v]))];
    return Array.isArray(p) ? p : [p];
  };
  return {
    async query(sql, params) {
      const stmt = prepare(sql);
      if (stmt.reader) return { rows: timed(() => stmt.all(...bind(params, sql))) as Record<string, unknown>[] };
      const info = timed(() => stmt.run(...bind(params, sql)));
      return { rowsAffected: info.changes, lastInsertId: Number(info.lastInsertRowid) };
    },
    async console(sql, params) {
      const stmt = prepare(sql);
      if (stmt.reader) {
        const columns = stmt.columns().map((c) => c.name);
        const rows = timed(() => stmt.raw(true).all(...bind(params, sql))) as unknown[][];
        return { columns, rows, rowsAffected: 0 };
      }
      const info = timed(() => stmt.run(...bind(params, sql)));
      return { columns: [], rows: [], rowsAffected: info.changes };
    },
    async own(sql, params) {
      const stmt = db.prepare(sql);
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    },
    async schema() {
      return sqliteSchema(db);
    },
    async rows(request) {
      return timed(() => sqliteRows(db, request));
    },
    async explain(sql, params) {
      refuseSqlite(sql);
      return timed(() => sqliteExplain(db, sql, bind(params, sql) as unknown[]));
    },
    async reset() {
      const objects = db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND type IN ('table','view','trigger')").all() as { type: string; name: string }[];
      db.pragma('foreign_keys = OFF');
      try {
        db.transaction(() => {
          for (const o of objects) db.exec(`DROP ${o.type.toUpperCase()} IF EXISTS "${o.name.replaceAll('"', '""')}"`);
        })();
      } finally {
        db.pragma('foreign_keys = ON');
      }
      db.pragma('user_version = 0');
      db.exec('VACUUM');
    },
    async close() {
      db.close();
    },
  };
}

// ---- PostgreSQL -------------------------------------------------------------------------------

function shortHash(text: string) {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function pgSchemaName(workspaceId: string) {
  if (/^[a-z0-9_]{1,40}$/.test(workspaceId)) return `ws_${workspaceId}`;
  const clean = workspaceId.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 30);
  return `ws_${clean}_${shortHash(workspaceId)}`;
}

/** Role names are per cluster: the database's hash keeps two lab databases on one server apart. */
export function pgRolePrefix(databaseUrl: string) {
  const dbName = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
  return `lab_${shortHash(dbName)}_`;
}

function pgRoleName(databaseUrl: string, workspaceId: string) {
  return `${pgRolePrefix(databaseUrl)}${pgSchemaName(workspaceId).slice(3)}`.slice(0, 63);
}

function pgValue(value: unknown) {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value);
  return value;
}

export class PgAdmin {
  readonly pool: pg.Pool;
  private ensured = new Map<string, Promise<void>>();
  constructor(readonly databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 10_000 });
    this.pool.on('error', () => {});
  }

  password(role: string) {
    return createHmac('sha256', this.databaseUrl).update(role).digest('hex');
  }

  ensure(workspaceId: string): Promise<void> {
    let p = this.ensured.get(workspaceId);
    if (!p) {
      p = this.create(workspaceId).catch((error: unknown) => {
        this.ensured.delete(workspaceId);
        throw error;
      });
      this.ensured.set(workspaceId, p);
    }
    return p;
  }

  private async create(workspaceId: string) {
    const role = pgRoleName(this.databaseUrl, workspaceId);
    const schema = pgSchemaName(workspaceId);
    const password = this.password(role);
    // Names and password are [a-z0-9_] and hex: safe to write into the statements.
    await this.pool.query(`DO $$ BEGIN
        CREATE ROLE "${role}" LOGIN NOINHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT 8 PASSWORD '${password}';
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    try {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}" AUTHORIZATION "${role}"`);
    } catch (error) {
      if (!['42P06', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
    }
    await this.pool.query(`ALTER ROLE "${role}" IN DATABASE "${decodeURIComponent(new URL(this.databaseUrl).pathname.slice(1)) || 'postgres'}" SET search_path = "${schema}"`);
  }

  async resetPassword(workspaceId: string) {
    const role = pgRoleName(this.databaseUrl, workspaceId);
    await this.pool.query(`ALTER ROLE "${role}" PASSWORD '${this.password(role)}'`);
  }

  async resetSchema(workspaceId: string) {
    const role = pgRoleName(this.databaseUrl, workspaceId);
    const schema = pgSchemaName(workspaceId);
    await this.ensure(workspaceId);
    await this.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await this.pool.query(`CREATE SCHEMA "${schema}" AUTHORIZATION "${role}"`);
  }

  clientConfig(workspaceId: string): pg.ClientConfig {
    const role = pgRoleName(this.databaseUrl, workspaceId);
    const url = new URL(this.databaseUrl);
    url.username = role;
    url.password = this.password(role);
    return { connectionString: url.toString() };
  }

  async cancel(pid: number) {
    await this.pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => {});
  }

  async close() {
    await this.pool.end();
  }
}

function openPostgres(admin: PgAdmin, workspaceId: string, timeoutMs: number): Dialect {
  let client: Promise<pg.Client> | null = null;
  const connect = async (): Promise<pg.Client> => {
    await admin.ensure(workspaceId);
    const attempt = async () => {
      const c = new pg.Client(admin.clientConfig(workspaceId));
      c.on('error', () => {
        client = null;
      });
      await c.connect();
      await c.query(`SET statement_timeout = ${Math.max(100, Math.floor(timeoutMs))}`);
      return c;
    };
    try {
      return await attempt();
    } catch (error) {
      // The learner may have run ALTER ROLE … PASSWORD on their own role.
      if ((error as { code?: string }).code !== '28P01') throw error;
      await admin.resetPassword(workspaceId);
      return attempt();
    }
  };
  const getClient = () => {
    if (!client) {
      client = connect();
      client.catch(() => {
        client = null;
      });
    }
    return client;
  };
  const run = async (sql: string, params: unknown[], rowMode?: 'array') => {
    const c = await getClient();
    const pid = (c as unknown as { processID?: number }).processID;
    const timer = setTimeout(() => {
      if (pid) void admin.cancel(pid);
    }, timeoutMs + 50);
    try {
      const text = params.length > 0 ? numberPlaceholders(sql) : sql;
      return await c.query({ text, values: params.map(pgValue), rowMode, queryMode: 'extended' } as pg.QueryConfig);
    } catch (error) {
      if ((error as { code?: string }).code === '57014') {
        throw new Error(`The statement ran for more than ${timeoutMs} ms and was cancelled`);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
  const paramList = (params: unknown) => (Array.isArray(params) ? params : params === undefined || params === null ? [] : [params]);
  return {
    async query(sql, params) {
      const result = await run(sql, paramList(params));
      if (result.fields && result.fields.length > 0) return { rows: result.rows as Record<string, unknown>[] };
      return { rowsAffected: result.rowCount ?? 0, lastInsertId: null };
    },
    async console(sql, params) {
      const result = await run(sql, params, 'array');
      const columns = (result.fields ?? []).map((f) => f.name);
      return { columns, rows: columns.length > 0 ? (result.rows as unknown[][]) : [], rowsAffected: columns.length > 0 ? 0 : (result.rowCount ?? 0) };
    },
    async own(sql, params) {
      const result = await run(sql.replace(/\bAUTOINCREMENT\b/, ''), params);
      return result.rows as Record<string, unknown>[];
    },
    // As the workspace's role, like the console: the catalog shows its own schema.
    schema: () => pgSchema(run),
    rows: (request) => pgRows(run, request),
    explain: (sql, params) => pgExplain(run, sql, params),
    async reset() {
      const c = client;
      client = null;
      if (c) await (await c.catch(() => null))?.end().catch(() => {});
      await admin.resetSchema(workspaceId);
    },
    async close() {
      const c = client;
      client = null;
      if (c) await (await c.catch(() => null))?.end().catch(() => {});
    },
  };
}

// ---- documents --------------------------------------------------------------------------------

type Doc = Record<string, unknown>;

function objectId() {
  const time = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return time + randomBytes(8).toString('hex');
}

function isPlainObject(value: unknown): value is Doc {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function hasOperators(update: Doc) {
  const keys = Object.keys(update);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** PostgreSQL's undefined_table, or SQLite's message, about our own table. */
function isMissingDocumentsTable(error: unknown) {
  const e = error as { code?: unknown; message?: unknown };
  return (e?.code === '42P01' || /no such table/i.test(String(e?.message))) && String(e?.message).includes('_lab_documents');
}

class Documents {
  private ready: Promise<void> | null = null;
  constructor(private dialect: Dialect, private postgres: boolean) {}

  private table() {
    if (!this.ready) {
      const sql = this.postgres
        ? 'CREATE TABLE IF NOT EXISTS _lab_documents (seq bigserial PRIMARY KEY, collection text NOT NULL, id text NOT NULL, doc text NOT NULL, UNIQUE (collection, id))'
        : 'CREATE TABLE IF NOT EXISTS _lab_documents (seq INTEGER PRIMARY KEY AUTOINCREMENT, collection TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (collection, id))';
      this.ready = this.dialect.own(sql, []).then(() => undefined);
      this.ready.catch(() => {
        this.ready = null;
      });
    }
    return this.ready;
  }

  forget() {
    this.ready = null;
  }

  private async all(collection: string): Promise<Doc[]> {
    await this.table();
    const rows = await this.dialect.own('SELECT doc FROM _lab_documents WHERE collection = ? ORDER BY seq', [collection]);
    return rows.map((r) => JSON.parse(String(r.doc)) as Doc);
  }

  private async count(collection: string) {
    const rows = await this.dialect.own('SELECT count(*) AS n FROM _lab_documents WHERE collection = ?', [collection]);
    return Number(rows[0]?.n ?? 0);
  }

  private async insert(collection: string, docs: Doc[]) {
    await this.table();
    if ((await this.count(collection)) + docs.length > MAX_DOCUMENTS) {
      throw new Error(`A collection holds at most ${MAX_DOCUMENTS} documents in the Backend Lab`);
    }
    const ids: unknown[] = [];
    for (const input of docs) {
      if (!isPlainObject(input)) throw new TypeError('Documents must be objects');
      const doc: Doc = { _id: input._id ?? objectId(), ...input };
      const id = JSON.stringify(doc._id);
      const existing = await this.dialect.own('SELECT 1 AS x FROM _lab_documents WHERE collection = ? AND id = ?', [collection, id]);
      if (existing.length > 0) {
        const err = new Error(`E11000 duplicate key error collection: ${collection} index: _id_ dup key: { _id: ${id} }`);
        (err as Error & { code: number }).code = 11000;
        throw err;
      }
      await this.dialect.own('INSERT INTO _lab_documents (collection, id, doc) VALUES (?, ?, ?)', [collection, id, JSON.stringify(doc)]);
      ids.push(doc._id);
    }
    return ids;
  }

  private async write(collection: string, doc: Doc) {
    await this.dialect.own('UPDATE _lab_documents SET doc = ? WHERE collection = ? AND id = ?', [JSON.stringify(doc), collection, JSON.stringify(doc._id)]);
  }

  private async remove(collection: string, doc: Doc) {
    await this.dialect.own('DELETE FROM _lab_documents WHERE collection = ? AND id = ?', [collection, JSON.stringify(doc._id)]);
  }

  private select(docs: Doc[], filter: unknown, options: { projection?: unknown; sort?: unknown; skip?: unknown; limit?: unknown }) {
    let cursor = mingoFind(docs, (isPlainObject(filter) ? reviveFilter(filter) : {}) as Doc, isPlainObject(options.projection) ? (options.projection as Doc) : undefined);
    if (isPlainObject(options.sort)) cursor = cursor.sort(options.sort as Record<string, 1 | -1>);
    if (typeof options.skip === 'number' && options.skip > 0) cursor = cursor.skip(options.skip);
    if (typeof options.limit === 'number' && options.limit > 0) cursor = cursor.limit(options.limit);
    return cursor.all() as Doc[];
  }

  private async applyUpdate(collection: string, filter: unknown, update: unknown, options: Doc, many: boolean) {
    if (!isPlainObject(update) || !hasOperators(update)) throw new Error('Update document requires atomic operators (like $set)');
    const docs = await this.all(collection);
    const query = new Query((isPlainObject(filter) ? reviveFilter(filter) : {}) as Doc);
    const matched = docs.filter((d) => query.test(d));
    const targets = many ? matched : matched.slice(0, 1);
    let modified = 0;
    for (const doc of targets) {
      const before = JSON.stringify(doc._id);
      const changed = mingoUpdate(doc, update as Parameters<typeof mingoUpdate>[1]);
      if (JSON.stringify(doc._id) !== before) throw new Error("Performing an update on the path '_id' would modify the immutable field '_id'");
      if (changed.length > 0) {
        modified++;
        await this.write(collection, doc);
      }
    }
    if (targets.length === 0 && options.upsert === true) {
      const base: Doc = {};
      if (isPlainObject(filter)) for (const [k, v] of Object.entries(filter)) if (!k.startsWith('$') && !isPlainObject(v)) base[k] = v;
      mingoUpdate(base, update as Parameters<typeof mingoUpdate>[1]);
      const [id] = await this.insert(collection, [base]);
      return { acknowledged: true, matchedCount: 0, modifiedCount: 0, upsertedCount: 1, upsertedId: id };
    }
    return { acknowledged: true, matchedCount: targets.length, modifiedCount: modified, upsertedCount: 0, upsertedId: null };
  }

  /**
   * Another process (an instance that served POST …/reset) may have dropped the table since we
   * created it: the bus says so, but a message can be missed, so a missing table is also retried once.
   */
  async run(op: string, args: Doc): Promise<unknown> {
    try {
      return await this.runOnce(op, args);
    } catch (error) {
      if (!isMissingDocumentsTable(error)) throw error;
      this.forget();
      return this.runOnce(op, args);
    }
  }

  private async runOnce(op: string, args: Doc): Promise<unknown> {
    const collection = String(args.collection);
    const options = isPlainObject(args.options) ? args.options : {};
    switch (op) {
      case 'insertOne': {
        const [id] = await this.insert(collection, [args.doc as Doc]);
        return { acknowledged: true, insertedId: id };
      }
      case 'insertMany': {
        if (!Array.isArray(args.docs)) throw new TypeError('insertMany expects an array of documents');
        const ids = await this.insert(collection, args.docs as Doc[]);
        return { acknowledged: true, insertedCount: ids.length, insertedIds: Object.fromEntries(ids.map((id, i) => [i, id])) };
      }
      case 'find':
        return this.select(await this.all(collection), args.filter, args as Doc);
      case 'findOne':
        return this.select(await this.all(collection), args.filter, { ...options, limit: 1 })[0] ?? null;
      case 'count':
        return this.select(await this.all(collection), args.filter, {}).length;
      case 'updateOne':
        return this.applyUpdate(collection, args.filter, args.update, options, false);
      case 'updateMany':
        return this.applyUpdate(collection, args.filter, args.update, options, true);
      case 'replaceOne': {
        if (!isPlainObject(args.doc) || hasOperators(args.doc)) throw new Error('Replacement document must not contain atomic operators');
        const [doc] = this.select(await this.all(collection), args.filter, { limit: 1 });
        if (!doc) return { acknowledged: true, matchedCount: 0, modifiedCount: 0 };
        await this.write(collection, { ...args.doc, _id: doc._id });
        return { acknowledged: true, matchedCount: 1, modifiedCount: 1 };
      }
      case 'deleteOne':
      case 'deleteMany': {
        const matched = this.select(await this.all(collection), args.filter, op === 'deleteOne' ? { limit: 1 } : {});
        for (const doc of matched) await this.remove(collection, doc);
        return { acknowledged: true, deletedCount: matched.length };
      }
      case 'drop':
        await this.table();
        await this.dialect.own('DELETE FROM _lab_documents WHERE collection = ?', [collection]);
        return true;
      default:
        throw new Error(`Unknown collection operation ${op}`);
    }
  }
}

// ---- the workspace database ---------------------------------------------------------------------

export class WorkspaceDb {
  private dialect: Dialect;
  readonly documents: Documents;

  constructor(
    readonly workspaceId: string,
    options: DbOptions,
    admin: PgAdmin | null,
  ) {
    checkWorkspaceId(workspaceId);
    this.dialect = admin
      ? openPostgres(admin, workspaceId, options.timeoutMs)
      : openSqlite(path.join(options.dataDir, 'workspaces', `${workspaceId}.sqlite`), options.timeoutMs);
    this.documents = new Documents(this.dialect, !!admin);
  }

  query(sql: string, params: unknown) {
    return this.dialect.query(sql, params);
  }

  console(sql: string, params: unknown[]) {
    return this.dialect.console(sql, params);
  }

  schema() {
    return this.dialect.schema();
  }

  rows(request: RowsRequest) {
    return this.dialect.rows(request);
  }

  explain(sql: string, params: unknown[]) {
    return this.dialect.explain(sql, params);
  }

  async reset() {
    await this.dialect.reset();
    this.documents.forget();
  }

  /** Another instance reset this database: what we know about its tables is stale. */
  forgetTables() {
    this.documents.forget();
  }

  close() {
    return this.dialect.close();
  }
}
