import { createHash, createHmac } from 'node:crypto';
import type pg from 'pg';
import { isSecretColumn, secretRefusal } from './redact.ts';
import { quoteIdent } from './statements.ts';

/**
 * On PostgreSQL the reference explorer logs in as a role of its own that may SELECT every column
 * of the lab's tables except the secret ones. PostgreSQL checks column privileges for every column
 * a statement touches — result, filter, sort, join, subquery, EXPLAIN, and the SQL that
 * query_to_xml() runs — so no expression reaches them. A login role, not `SET ROLE`: one
 * `SELECT set_config('role', 'none', true)` would undo that. The grants are made afresh at each
 * start, after the migrations: a column added later stays unreadable until then.
 */

export interface Reader {
  /** The connection string that logs in as the reader. */
  url: string;
  /** The lab's schema (the owner's current_schema()), which the reader reads. */
  schema: string;
  /** Secret columns by table, for the message when a statement touches one. */
  secrets: Map<string, string[]>;
}

const databaseName = (databaseUrl: string) => decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';

/**
 * Roles are per cluster, so the name carries the database's hash. `lab_ref_` can be no workspace's
 * role (those are lab_<8 hex>_…, sandbox/db.ts).
 */
export const readerRoleName = (databaseUrl: string) => `lab_ref_${createHash('sha256').update(databaseName(databaseUrl)).digest('hex').slice(0, 12)}`;

/** Derived, like the workspace roles' passwords: whoever has the lab's DATABASE_URL has the lab anyway. */
const readerPassword = (databaseUrl: string, role: string) => createHmac('sha256', databaseUrl).update(role).digest('hex');

const LAB_COLUMNS = `SELECT c.relname AS "table", a.attname AS "column" FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname, a.attnum`;

/** Creates or updates the reader role and its grants, on the lab's own connection (which owns the tables). */
export async function prepareReader(owner: pg.Pool, databaseUrl: string): Promise<Reader> {
  const role = quoteIdent(readerRoleName(databaseUrl));
  const password = readerPassword(databaseUrl, readerRoleName(databaseUrl));
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    // Instances starting together would grant at once ("tuple concurrently updated"): one at a time.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('backend-lab reference reader'))");
    const where = (await client.query('SELECT current_schema() AS schema, current_database() AS database')).rows[0] as { schema: string; database: string };
    const tables = new Map<string, string[]>();
    for (const r of (await client.query(LAB_COLUMNS)).rows as { table: string; column: string }[]) tables.set(r.table, [...(tables.get(r.table) ?? []), r.column]);
    // The name and password are [a-z0-9_] and hex: safe to write into the statements.
    await client.query(`DO $$ BEGIN
        CREATE ROLE ${role} LOGIN NOINHERIT NOCREATEDB NOCREATEROLE CONNECTION LIMIT 8;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    await client.query(`ALTER ROLE ${role} LOGIN NOINHERIT NOCREATEDB NOCREATEROLE PASSWORD '${password}'`);
    await client.query(`GRANT CONNECT ON DATABASE ${quoteIdent(where.database)} TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(where.schema)} TO ${role}`);
    // Revoking a table's privileges revokes its column privileges too: a column that became secret loses its grant.
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${quoteIdent(where.schema)} FROM ${role}`);
    const secrets = new Map<string, string[]>();
    for (const [table, columns] of tables) {
      const readable = columns.filter((c) => !isSecretColumn(c));
      secrets.set(table, columns.filter(isSecretColumn));
      if (readable.length > 0) await client.query(`GRANT SELECT (${readable.map(quoteIdent).join(', ')}) ON ${quoteIdent(where.schema)}.${quoteIdent(table)} TO ${role}`);
    }
    await client.query('COMMIT');
    const url = new URL(databaseUrl);
    url.username = readerRoleName(databaseUrl);
    url.password = password;
    return { url: url.toString(), schema: where.schema, secrets };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`The reference explorer could not prepare its read-only role on PostgreSQL (the lab's database user needs CREATEROLE, as for workspaces): ${(error as Error).message}`);
  } finally {
    client.release();
  }
}

/** PostgreSQL's "permission denied for table users", with what it means here. */
export function permissionDenied(message: string, reader: Reader) {
  const table = /permission denied for (?:table|relation) "?([^"\s]+)"?/.exec(message)?.[1];
  const secret = table ? reader.secrets.get(table) : undefined;
  if (table && secret && secret.length > 0) return secretRefusal(message, table, secret);
  return `${message}: the reference explorer reads the lab's tables only, and none of their secret columns.`;
}
