import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { type Dialect as KyselyDialect, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TraceLink } from '../trace/recorder.ts';
import { traceableKysely } from '../trace/sql.ts';
import type { Database } from './schema.ts';
import { FastSqliteDialect } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  /** The Kysely a request uses: with traces on, its statements join the request's trace. */
  forTrace(link: TraceLink): Kysely<Database>;
  dialect: Dialect;
  /** The SQLite file, for the threads that open it beside the main connection. */
  sqliteFile?: string;
  /** Answers when the database can be queried (for /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const SQLITE_FILE = 'backend-lab.sqlite';

/** With traces on, every statement run for a request becomes a step of its trace. */
export function openDatabase(options: { databaseUrl: string | undefined; dataDir: string; traces?: { enabled: boolean } }): Db {
  const open: Open = options.traces?.enabled === true ? traceableKysely : untraced;
  const db = options.databaseUrl ? openPostgres(options.databaseUrl, open) : openSqlite(path.join(options.dataDir, SQLITE_FILE), open);
  // Closing twice (a test that takes the database away, then the app's own shutdown) is harmless.
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= db.close());
  return { ...db, close };
}

type Open = (dialect: KyselyDialect) => { kysely: Kysely<Database>; forTrace(link: TraceLink): Kysely<Database> };

function untraced(dialect: KyselyDialect) {
  const kysely = new Kysely<Database>({ dialect });
  return { kysely, forTrace: () => kysely };
}

function openSqlite(file: string, open: Open): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit,
  // so an acknowledged write survives a power loss, not only a process crash.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // The request-log thread checkpoints the WAL every second, off the event loop; a checkpoint here
  // (SQLite runs one inside the commit that passes the threshold) is only the safety net.
  sqlite.pragma('wal_autocheckpoint = 10000');
  const { kysely, forTrace } = open(new FastSqliteDialect(sqlite));
  return {
    kysely,
    forTrace,
    dialect: 'sqlite',
    sqliteFile: file,
    async ping() {
      // A table, not `select 1`: that never touches the file.
      sqlite.prepare('select count(*) from schema_migrations').get();
    },
    async close() {
      await kysely.destroy();
    },
  };
}

function openPostgres(url: string, open: Open): Db {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const { kysely, forTrace } = open(new PostgresDialect({ pool }));
  return {
    kysely,
    forTrace,
    dialect: 'postgres',
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** Unique-constraint violation, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Foreign-key violation, in either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return true;
  // SQLite reports an ON DELETE RESTRICT refusal under the trigger code, with this message.
  return code === 'SQLITE_CONSTRAINT_TRIGGER' && message === 'FOREIGN KEY constraint failed';
}

export const toIso = (value: Date | string): string => (typeof value === 'string' ? value : value.toISOString());
export const nowIso = () => new Date().toISOString();
