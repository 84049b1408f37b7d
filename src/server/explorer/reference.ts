import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { SQLITE_FILE } from '../db/connection.ts';
import { numberPlaceholders } from '../sandbox/placeholders.ts';
import { pgConsole, pgExplain, pgRows, pgSchema, type PgRun } from './postgres.ts';
import type { FromReferenceWorker, ReferenceOp, ReferenceWorkerData, ToReferenceWorker } from './reference-worker.ts';
import { checkReadOnly } from './statements.ts';
import type { ConsoleResult, DbSchema, Explained, ExplorerDialect, RowsPage, RowsRequest } from './types.ts';

/**
 * The lab's own database, read-only, for the explorer. Read-only is enforced by the database, not
 * by us: SQLite is opened with `readonly` (and `query_only`), PostgreSQL runs everything in a
 * `BEGIN READ ONLY` transaction that is rolled back. Each statement has a time limit. Secret
 * columns come back redacted.
 */

export interface ReferenceDb {
  dialect: ExplorerDialect;
  schema(): Promise<DbSchema>;
  rows(request: RowsRequest): Promise<RowsPage | null>;
  explain(sql: string, params: unknown[]): Promise<Explained>;
  sql(sql: string, params: unknown[]): Promise<ConsoleResult & { truncated: boolean }>;
  close(): Promise<void>;
}

export interface ReferenceOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  timeoutMs: number;
  /** Console rows returned at most; the rest is cut (`truncated`). */
  maxRows: number;
}

const tooLong = (timeoutMs: number) => new Error(`The statement ran for more than ${timeoutMs} ms and was stopped.`);

export function openReference(options: ReferenceOptions): ReferenceDb {
  return options.databaseUrl ? postgresReference(options.databaseUrl, options) : sqliteReference(options);
}

function sqliteReference(options: ReferenceOptions): ReferenceDb {
  let current: { worker: Worker; ready: Promise<void> } | null = null;
  let seq = 0;
  // One statement at a time, so each one's time limit starts when it starts.
  let queue: Promise<unknown> = Promise.resolve();

  const start = () => {
    const data: ReferenceWorkerData = { file: path.join(options.dataDir, SQLITE_FILE), maxRows: options.maxRows };
    const worker = new Worker(new URL('./reference-worker-entry.mjs', import.meta.url), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 256 } });
    worker.unref();
    worker.on('error', () => {});
    // Loading TypeScript in a fresh thread takes a while; that time is not the statement's.
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => reject(new Error('The read-only reader could not start; try again.')));
    });
    const started = { worker, ready };
    worker.on('exit', () => {
      if (current === started) current = null;
    });
    return started;
  };

  const send = async (message: ReferenceOp) => {
    const { worker, ready } = (current ??= start());
    await ready;
    const id = ++seq;
    return new Promise<unknown>((resolve, reject) => {
      const done = (error: Error | null, value?: unknown) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (error) reject(error);
        else resolve(value);
      };
      const onMessage = (reply: FromReferenceWorker) => {
        if (!('id' in reply) || reply.id !== id) return;
        if (reply.ok) done(null, reply.value);
        else done(new Error(reply.message));
      };
      const onExit = () => done(new Error('The read-only reader stopped; try again.'));
      const timer = setTimeout(() => {
        if (current?.worker === worker) current = null;
        void worker.terminate();
        done(tooLong(options.timeoutMs));
      }, options.timeoutMs);
      worker.on('message', onMessage);
      worker.on('exit', onExit);
      worker.postMessage({ ...message, id } satisfies ToReferenceWorker);
    });
  };

  const call = <T>(message: ReferenceOp): Promise<T> => {
    const result = queue.then(() => send(message));
    queue = result.catch(() => {});
    return result as Promise<T>;
  };

  return {
    dialect: 'sqlite',
    schema: () => call<DbSchema>({ op: 'schema' }),
    rows: (request) => call<RowsPage | null>({ op: 'rows', request }),
    explain: (sql, params) => call<Explained>({ op: 'explain', sql, params }),
    sql: (sql, params) => call<ConsoleResult & { truncated: boolean }>({ op: 'sql', sql, params }),
    async close() {
      const closing = current;
      current = null;
      await closing?.worker.terminate();
    },
  };
}

function postgresReference(databaseUrl: string, options: ReferenceOptions): ReferenceDb {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, idleTimeoutMillis: 10_000 });
  pool.on('error', () => {});

  /** Work inside BEGIN READ ONLY … ROLLBACK, every statement under the time limit. */
  const readOnly = async <T>(work: (run: PgRun) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(100, Math.floor(options.timeoutMs))}`);
      const run: PgRun = (sql, params, rowMode) =>
        client.query({ text: params.length > 0 ? numberPlaceholders(sql) : sql, values: params, rowMode, queryMode: 'extended' } as pg.QueryConfig);
      return await work(run);
    } catch (error) {
      if ((error as { code?: string }).code === '57014') throw tooLong(options.timeoutMs);
      throw error;
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  };

  return {
    dialect: 'postgres',
    schema: () => readOnly((run) => pgSchema(run, { redact: true })),
    rows: (request) => readOnly((run) => pgRows(run, request, { redact: true })),
    explain: async (sql, params) => {
      checkReadOnly(sql);
      return readOnly((run) => pgExplain(run, sql, params));
    },
    sql: async (sql, params) => {
      checkReadOnly(sql);
      return readOnly((run) => pgConsole(run, sql, params, options.maxRows));
    },
    async close() {
      await pool.end();
    },
  };
}
