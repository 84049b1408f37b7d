import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkNoSecretReads } from './sqlite-guard.ts';
import { sqliteConsole, sqliteExplain, sqliteRows, sqliteSchema } from './sqlite.ts';
import { checkExplainable, checkReadOnly } from './statements.ts';
import type { RowsRequest } from './types.ts';

/**
 * The reference SQLite database, read-only, on its own thread: better-sqlite3 cannot interrupt a
 * statement, so a runaway one is stopped by terminating this thread (reference.ts does), which
 * leaves the server's own connection and event loop untouched.
 */

export interface ReferenceWorkerData {
  file: string;
  maxRows: number;
}

export type ReferenceOp =
  | { op: 'schema' }
  | { op: 'rows'; request: RowsRequest }
  | { op: 'explain'; sql: string; params: unknown[] }
  | { op: 'sql'; sql: string; params: unknown[] };

export type ToReferenceWorker = ReferenceOp & { id: number };

/** The first message says the thread has started; then one answer per request. */
export type FromReferenceWorker = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const { file, maxRows } = workerData as ReferenceWorkerData;
let db: Database.Database | null = null;

function open() {
  if (!db) {
    // readonly: SQLite itself refuses every write; query_only as well, should a statement try.
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma('trusted_schema = OFF');
    db.pragma('busy_timeout = 2000');
  }
  return db;
}

function run(message: ToReferenceWorker): unknown {
  const redact = { redact: true };
  switch (message.op) {
    case 'schema':
      return sqliteSchema(open(), redact);
    case 'rows':
      return sqliteRows(open(), message.request, redact);
    case 'explain':
      checkReadOnly(message.sql);
      checkExplainable(message.sql);
      checkNoSecretReads(open(), message.sql, message.params);
      return sqliteExplain(open(), message.sql, message.params);
    case 'sql':
      checkReadOnly(message.sql);
      checkNoSecretReads(open(), message.sql, message.params);
      return sqliteConsole(open(), message.sql, message.params, maxRows);
  }
}

parentPort!.on('message', (message: ToReferenceWorker) => {
  let reply: FromReferenceWorker;
  try {
    reply = { id: message.id, ok: true, value: run(message) };
  } catch (error) {
    reply = { id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});

parentPort!.postMessage({ ready: true } satisfies FromReferenceWorker);
