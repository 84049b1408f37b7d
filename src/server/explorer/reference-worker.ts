import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isInterrupted, limitStatements } from '../db/statement-deadline.ts';
import { checkNoSecretReads } from './sqlite-guard.ts';
import { sqliteConsole, sqliteExplain, sqliteRows, sqliteSchema } from './sqlite.ts';
import { checkExplainable, checkReadOnly } from './statements.ts';
import type { RowsRequest } from './types.ts';

/**
 * The reference SQLite database, read-only, on its own thread. A runaway statement is interrupted
 * at the time limit (statement-deadline.ts); reference.ts also gives the thread up past the limit,
 * which is all it can do where the extension could not be built (a thread in native code cannot
 * be terminated), and it leaves the server's own connection and event loop untouched.
 */

export interface ReferenceWorkerData {
  file: string;
  maxRows: number;
  timeoutMs: number;
}

export type ReferenceOp =
  | { op: 'schema' }
  | { op: 'rows'; request: RowsRequest }
  | { op: 'explain'; sql: string; params: unknown[] }
  | { op: 'sql'; sql: string; params: unknown[] };

export type ToReferenceWorker = ReferenceOp & { id: number };

/** The first message says the thread has started; then one answer per request. */
export type FromReferenceWorker = { ready: true } | { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

const { file, maxRows, timeoutMs } = workerData as ReferenceWorkerData;
let db: Database.Database | null = null;

function open() {
  if (!db) {
    // readonly: SQLite itself refuses every write; query_only as well, should a statement try.
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    db.pragma('trusted_schema = OFF');
    db.pragma('busy_timeout = 2000');
    limitStatements(db, timeoutMs);
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
    const text = isInterrupted(error) ? `The statement ran for more than ${timeoutMs} ms and was stopped.` : error instanceof Error ? error.message : String(error);
    reply = { id: message.id, ok: false, message: text };
  }
  parentPort!.postMessage(reply);
});

parentPort!.postMessage({ ready: true } satisfies FromReferenceWorker);
