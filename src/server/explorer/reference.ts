import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { SQLITE_FILE } from '../db/connection.ts';
import { numberPlaceholders } from '../sandbox/placeholders.ts';
import { permissionDenied, prepareReader, type Reader } from './pg-reader.ts';
import { pgConsole, pgExplain, pgRows, pgSchema, type PgRun } from './postgres.ts';
import { redactShapes, redactShapesInText } from './redact.ts';
import type { FromReferenceWorker, ReferenceOp, ReferenceWorkerData, ToReferenceWorker } from './reference-worker.ts';
import { checkReadOnly, quoteIdent } from './statements.ts';
import type { ConsoleResult, DbSchema, Explained, ExplorerDialect, RowsPage, RowsRequest } from './types.ts';

/**
 * The lab's own database, read-only, for the explorer. Read-only is enforced by the database, not
 * by us: SQLite is opened with `readonly` (and `query_only`), PostgreSQL runs everything in a
 * `BEGIN READ ONLY` transaction that is rolled back. Each statement has a time limit. A statement
 * that reads a secret column is refused (see redact.ts for the three nets), and values shaped like
 * secrets are redacted from rows and error messages alike (an error can quote a value).
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

/** The statement is interrupted in its thread at the limit; the thread is given up only if it does not answer soon after. */
const GRACE_MS = 500;
const tooLong = (timeoutMs: number) => new Error(`The statement ran for more than ${timeoutMs} ms and was stopped.`);

export function openReference(options: ReferenceOptions): ReferenceDb {
  return withShapesRedacted(options.databaseUrl ? postgresReference(options.databaseUrl, options) : sqliteReference(options));
}

function withShapesRedacted(db: ReferenceDb): ReferenceDb {
  const scrubbed = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      throw new Error(redactShapesInText(error instanceof Error ? error.message : String(error)));
    }
  };
  return {
    ...db,
    schema: () => scrubbed(db.schema()),
    rows: async (request) => {
      const page = await scrubbed(db.rows(request));
      return page && { ...page, rows: redactShapes(page.rows) };
    },
    explain: (sql, params) => scrubbed(db.explain(sql, params)),
    sql: async (sql, params) => {
      const result = await scrubbed(db.sql(sql, params));
      return { ...result, rows: redactShapes(result.rows) };
    },
  };
}

function sqliteReference(options: ReferenceOptions): ReferenceDb {
  let current: { worker: Worker; ready: Promise<void> } | null = null;
  let seq = 0;
  // One statement at a time, so each one's time limit starts when it starts.
  let queue: Promise<unknown> = Promise.resolve();

  const start = () => {
    const data: ReferenceWorkerData = { file: path.join(options.dataDir, SQLITE_FILE), maxRows: options.maxRows, timeoutMs: options.timeoutMs };
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
      }, options.timeoutMs + GRACE_MS);
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
  // The lab's own connection only grants; every statement runs as the reader (pg-reader.ts).
  const owner = new pg.Pool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 1000 });
  owner.on('error', () => {});
  let prepared: Promise<{ reader: Reader; pool: pg.Pool }> | null = null;
  const prepare = () => {
    if (prepared) return prepared;
    const attempt = prepareReader(owner, databaseUrl).then((reader) => {
      const pool = new pg.Pool({ connectionString: reader.url, max: 2, idleTimeoutMillis: 10_000 });
      pool.on('error', () => {});
      return { reader, pool };
    });
    // A failure is not kept: the next request tries again.
    attempt.catch(() => {
      if (prepared === attempt) prepared = null;
    });
    return (prepared = attempt);
  };

  const connect = async () => {
    const { reader, pool } = await prepare();
    try {
      return { reader, client: await pool.connect() };
    } catch (error) {
      // Another instance with a differently spelled DATABASE_URL set its own password: set ours again.
      if ((error as { code?: string }).code !== '28P01') throw error;
      await prepareReader(owner, databaseUrl);
      return { reader, client: await pool.connect() };
    }
  };

  /** Work inside BEGIN READ ONLY … ROLLBACK, every statement under the time limit. */
  const readOnly = async <T>(work: (run: PgRun) => Promise<T>): Promise<T> => {
    const { reader, client } = await connect();
    try {
      await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.max(100, Math.floor(options.timeoutMs))}; SET LOCAL search_path = ${quoteIdent(reader.schema)}`);
      const run: PgRun = (sql, params, rowMode) =>
        client.query({ text: params.length > 0 ? numberPlaceholders(sql) : sql, values: params, rowMode, queryMode: 'extended' } as pg.QueryConfig);
      return await work(run);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '57014') throw tooLong(options.timeoutMs);
      if (code === '42501') throw new Error(permissionDenied((error as Error).message, reader));
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
      const done = await prepared?.catch(() => null);
      await Promise.all([owner.end(), done?.pool.end()]);
    },
  };
}
