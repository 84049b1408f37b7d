import type Database from 'better-sqlite3';
import { readSqlitePlan, type EqpRow } from './plan-sqlite.ts';
import { isSecretColumn, plainRows, projection } from './redact.ts';
import { checkExplainable, quoteIdent } from './statements.ts';
import { type ConsoleResult, type DbSchema, DOCUMENTS_TABLE, type Explained, type ForeignKeyInfo, type IndexInfo, type RowsPage, type RowsRequest, type TableInfo } from './types.ts';

/**
 * The explorer on a better-sqlite3 connection (a workspace's, or the reference database opened
 * read-only). Table names are read from sqlite_schema and the pragma table functions take them
 * as bound parameters; a name is written into SQL only after it was found there, quoted.
 */

type Db = Database.Database;
export interface ReadOptions {
  /** Secret columns are flagged in the schema, and the rows view reads "[redacted]" instead (the reference database). */
  redact?: boolean;
}

const tableNames = (db: Db) =>
  db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];

function columnsOf(db: Db, table: string, options: ReadOptions) {
  const rows = db.prepare('SELECT name, type, "notnull" AS required, dflt_value AS dflt, pk FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string; type: string; required: number; dflt: string | null; pk: number }[];
  return rows.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: !c.required && !c.pk,
    primaryKey: c.pk > 0,
    default: c.dflt,
    ...(options.redact && isSecretColumn(c.name) ? { redacted: true } : {}),
  }));
}

function indexesOf(db: Db, table: string): IndexInfo[] {
  const list = db.prepare('SELECT name, "unique" AS isUnique FROM pragma_index_list(?) ORDER BY name').all(table) as { name: string; isUnique: number }[];
  const columns = db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck();
  return list.map((i) => ({ name: i.name, unique: i.isUnique === 1, columns: (columns.all(i.name) as (string | null)[]).map((c) => c ?? '(expression)') }));
}

function foreignKeysOf(db: Db, table: string): ForeignKeyInfo[] {
  const rows = db.prepare('SELECT id, "table" AS target, "from" AS source, "to" AS dest FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(table) as { id: number; target: string; source: string; dest: string | null }[];
  const keys = new Map<number, ForeignKeyInfo>();
  for (const r of rows) {
    const key = keys.get(r.id) ?? { columns: [], references: { table: r.target, columns: [] } };
    key.columns.push(r.source);
    if (r.dest !== null) key.references.columns.push(r.dest);
    keys.set(r.id, key);
  }
  // REFERENCES t without columns means t's primary key.
  for (const key of keys.values()) {
    if (key.references.columns.length === 0) key.references.columns = primaryKey(db, key.references.table);
  }
  return [...keys.values()];
}

const primaryKey = (db: Db, table: string) =>
  db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').pluck().all(table) as string[];

const count = (db: Db, table: string) => Number(db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get());

export function sqliteSchema(db: Db, options: ReadOptions = {}): DbSchema {
  const tables: TableInfo[] = tableNames(db).map((name) => ({
    name,
    columns: columnsOf(db, name, options),
    indexes: indexesOf(db, name),
    foreignKeys: foreignKeysOf(db, name),
    rowCount: count(db, name),
    ...(name === DOCUMENTS_TABLE ? { collections: collections(db) } : {}),
  }));
  return { dialect: 'sqlite', tables };
}

function collections(db: Db) {
  const rows = db.prepare(`SELECT collection AS name, count(*) AS documents FROM ${DOCUMENTS_TABLE} GROUP BY collection ORDER BY collection`).all() as { name: string; documents: number }[];
  return rows.map((r) => ({ name: String(r.name), documents: Number(r.documents) }));
}

/** One page of a table's rows in primary-key order (row id when there is none); null: no such table. */
export function sqliteRows(db: Db, request: RowsRequest, options: ReadOptions = {}): RowsPage | null {
  const table = tableNames(db).find((name) => name === request.table);
  if (!table) return null;
  const key = primaryKey(db, table);
  const order = key.length > 0 ? key.map(quoteIdent).join(', ') : 'rowid';
  const filter = table === DOCUMENTS_TABLE && request.collection !== undefined ? { where: ' WHERE collection = ?', params: [request.collection] } : { where: '', params: [] };
  const from = `FROM ${quoteIdent(table)}${filter.where}`;
  const select = options.redact ? projection(db.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').pluck().all(table) as string[]) : '*';
  const stmt = db.prepare(`SELECT ${select} ${from} ORDER BY ${order} LIMIT ? OFFSET ?`);
  const columns = stmt.columns().map((c) => c.name);
  const rows = stmt.raw(true).all(...filter.params, request.limit, (request.page - 1) * request.limit) as unknown[][];
  const total = Number(db.prepare(`SELECT count(*) ${from}`).pluck().get(...filter.params));
  return { columns, rows: plainRows(rows), page: request.page, limit: request.limit, total };
}

export const bindable = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

export function sqliteExplain(db: Db, sql: string, params: unknown[]): Explained {
  checkExplainable(sql);
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...bindable(params)) as EqpRow[];
  return readSqlitePlan(rows, sql);
}

/**
 * A console statement on the reference database, at most `maxRows` rows. It was checked first
 * (sqlite-guard.ts): it reads no secret column.
 */
export function sqliteConsole(db: Db, sql: string, params: unknown[], maxRows: number): ConsoleResult & { truncated: boolean } {
  const stmt = db.prepare(sql);
  if (!stmt.reader) {
    const info = stmt.run(...bindable(params));
    return { columns: [], rows: [], rowsAffected: info.changes, truncated: false };
  }
  const columns = stmt.columns().map((c) => c.name);
  const rows: unknown[][] = [];
  let truncated = false;
  for (const row of stmt.raw(true).iterate(...bindable(params)) as IterableIterator<unknown[]>) {
    if (rows.length === maxRows) {
      truncated = true;
      break;
    }
    rows.push(row);
  }
  return { columns, rows: plainRows(rows), rowsAffected: 0, truncated };
}
