import type pg from 'pg';
import { readPostgresPlan } from './plan-postgres.ts';
import { isSecretColumn, plainRows, projection } from './redact.ts';
import type { ReadOptions } from './sqlite.ts';
import { checkExplainable, firstKeyword, quoteIdent } from './statements.ts';
import { type ConsoleResult, type DbSchema, DOCUMENTS_TABLE, type Explained, type RowsPage, type RowsRequest } from './types.ts';

/**
 * The explorer on PostgreSQL, through a function that runs one statement (a workspace's own
 * connection, logged in as its role; or a read-only transaction on the reference database).
 * Everything is read from the catalog for current_schema(): the workspace's schema, or the lab's.
 */

export type PgRun = (sql: string, params: unknown[], rowMode?: 'array') => Promise<pg.QueryResult>;

const TABLES = `SELECT c.oid::int8 AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`;

const COLUMNS = `SELECT a.attrelid::int8 AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
    pg_get_expr(d.adbin, d.adrelid) AS dflt,
    EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey)) AS pk
  FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum`;

const INDEXES = `SELECT i.indrelid::int8 AS rel, c.relname AS name, i.indisunique AS "unique",
    ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS columns
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY ($1::oid[]) ORDER BY c.relname`;

const FOREIGN_KEYS = `SELECT c.conrelid::int8 AS rel, t.relname AS target,
    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS target_columns
  FROM pg_constraint c JOIN pg_class t ON t.oid = c.confrelid WHERE c.contype = 'f' AND c.conrelid = ANY ($1::oid[]) ORDER BY c.conname`;

type Row = Record<string, unknown>;
const byRel = (rows: Row[]) => {
  const map = new Map<string, Row[]>();
  for (const row of rows) map.set(String(row.rel), [...(map.get(String(row.rel)) ?? []), row]);
  return map;
};

export async function pgSchema(run: PgRun, options: ReadOptions = {}): Promise<DbSchema> {
  const tables = (await run(TABLES, [])).rows as { oid: string; name: string }[];
  // An array literal: a workspace's connection sends objects as JSON, and oids are digits.
  const oids = `{${tables.map((t) => t.oid).join(',')}}`;
  const columns = byRel((await run(COLUMNS, [oids])).rows);
  const indexes = byRel((await run(INDEXES, [oids])).rows);
  const keys = byRel((await run(FOREIGN_KEYS, [oids])).rows);
  const out: DbSchema = { dialect: 'postgres', tables: [] };
  for (const t of tables) {
    const count = await run(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`, []);
    out.tables.push({
      name: t.name,
      columns: (columns.get(t.oid) ?? []).map((c) => ({
        name: String(c.name),
        type: String(c.type),
        nullable: c.nullable === true,
        primaryKey: c.pk === true,
        default: c.dflt === null ? null : String(c.dflt),
        ...(options.redact && isSecretColumn(String(c.name)) ? { redacted: true } : {}),
      })),
      indexes: (indexes.get(t.oid) ?? []).map((i) => ({ name: String(i.name), unique: i.unique === true, columns: (i.columns as string[]).map(String) })),
      foreignKeys: (keys.get(t.oid) ?? []).map((k) => ({ columns: k.columns as string[], references: { table: String(k.target), columns: k.target_columns as string[] } })),
      rowCount: Number(count.rows[0]?.n ?? 0),
      ...(t.name === DOCUMENTS_TABLE ? { collections: await collections(run) } : {}),
    });
  }
  return out;
}

async function collections(run: PgRun) {
  const { rows } = await run(`SELECT collection AS name, count(*) AS documents FROM ${DOCUMENTS_TABLE} GROUP BY collection ORDER BY collection`, []);
  return rows.map((r: Row) => ({ name: String(r.name), documents: Number(r.documents) }));
}

const PRIMARY_KEY = `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
  WHERE i.indrelid = $1::oid AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)`;

const TABLE_COLUMNS = 'SELECT attname FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum';

/** One page of a table's rows in primary-key order; null: no such table in this schema. */
export async function pgRows(run: PgRun, request: RowsRequest, options: ReadOptions = {}): Promise<RowsPage | null> {
  const tables = (await run(TABLES, [])).rows as { oid: string; name: string }[];
  const table = tables.find((t) => t.name === request.table);
  if (!table) return null;
  const key = (await run(PRIMARY_KEY, [table.oid])).rows.map((r: Row) => quoteIdent(String(r.attname)));
  const filter = table.name === DOCUMENTS_TABLE && request.collection !== undefined ? { where: ' WHERE collection = $1', params: [request.collection] } : { where: '', params: [] };
  const from = `FROM ${quoteIdent(table.name)}${filter.where}`;
  const n = filter.params.length;
  const order = key.length > 0 ? ` ORDER BY ${key.join(', ')}` : '';
  const select = options.redact ? projection((await run(TABLE_COLUMNS, [table.oid])).rows.map((r: Row) => String(r.attname))) : '*';
  const result = await run(`SELECT ${select} ${from}${order} LIMIT $${n + 1} OFFSET $${n + 2}`, [...filter.params, request.limit, (request.page - 1) * request.limit], 'array');
  const total = await run(`SELECT count(*) AS n ${from}`, filter.params);
  const columns = result.fields.map((f) => f.name);
  return { columns, rows: plainRows(result.rows as unknown[][]), page: request.page, limit: request.limit, total: Number(total.rows[0]?.n ?? 0) };
}

export async function pgExplain(run: PgRun, sql: string, params: unknown[]): Promise<Explained> {
  checkExplainable(sql);
  const result = await run(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  return readPostgresPlan(result.rows[0]?.['QUERY PLAN']);
}

/**
 * A console statement inside the caller's transaction, at most `maxRows` rows: read through a
 * cursor, so a statement that would return millions of rows stops at the first `maxRows + 1`.
 * On the reference database the caller is a role that may not read secret columns (pg-reader.ts).
 */
export async function pgConsole(run: PgRun, sql: string, params: unknown[], maxRows: number): Promise<ConsoleResult & { truncated: boolean }> {
  let result: pg.QueryResult;
  if (firstKeyword(sql) === 'EXPLAIN') {
    result = await run(sql, params, 'array');
  } else {
    await run(`DECLARE explorer_console NO SCROLL CURSOR FOR ${sql}`, params);
    result = await run(`FETCH ${maxRows + 1} FROM explorer_console`, [], 'array');
  }
  const fields = result.fields ?? [];
  const rows = (result.rows as unknown[][]).slice(0, maxRows);
  return { columns: fields.map((f) => f.name), rows: plainRows(rows), rowsAffected: 0, truncated: result.rows.length > maxRows };
}
