import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Db } from './connection.ts';
import type { FromLogThread, LogThreadData, ToLogThread } from './request-log-thread.ts';
import type { NewRequestLog } from './schema.ts';

/** Where request logs go: written in the background, in batches; `write` resolves once they are stored. */
export interface RequestLogWriter {
  write(batch: NewRequestLog[]): Promise<void>;
  close(): Promise<void>;
}

export const KEEP_LOG_ROWS = 50_000;
/** Rows per transaction on SQLite: short, so a writer on the main thread never waits long for the lock. */
const ROWS_PER_CHUNK = 500;

const asTuple = (r: NewRequestLog) => [r.request_id, r.method, r.path, r.route, r.status, r.duration_ms, r.user_id, r.ip, r.created_at];

export function openRequestLogWriter(db: Db): RequestLogWriter {
  return db.sqliteFile ? sqliteThreadWriter(db.sqliteFile) : postgresWriter(db);
}

/**
 * PostgreSQL: the whole batch as one JSON parameter, unpacked by the server — one short statement,
 * where a multi-row VALUES list made Kysely build a node for each of thousands of values.
 */
function postgresWriter(db: Db): RequestLogWriter {
  let lastPrune = Date.now();
  return {
    async write(batch) {
      await sql`insert into request_logs (request_id, method, path, route, status, duration_ms, user_id, ip, created_at)
        select r->>0, r->>1, r->>2, r->>3, (r->>4)::int, (r->>5)::real, (r->>6)::int, r->>7, (r->>8)::timestamptz
        from json_array_elements(${JSON.stringify(batch.map(asTuple))}::json) as r`.execute(db.kysely);
      if (Date.now() - lastPrune > 60_000) {
        lastPrune = Date.now();
        await sql`delete from request_logs where id <= (select max(id) from request_logs) - ${KEEP_LOG_ROWS}`.execute(db.kysely);
      }
    },
    async close() {},
  };
}

/** SQLite: a thread of its own (request-log-thread.ts), started on the first write and again after a failure. */
function sqliteThreadWriter(file: string): RequestLogWriter {
  let worker: Worker | undefined;
  let nextId = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  const settleAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  const start = () => {
    const data: LogThreadData = { file, keepRows: KEEP_LOG_ROWS };
    const w = new Worker(new URL('./request-log-thread-entry.mjs', import.meta.url), { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 128 } });
    w.unref();
    w.on('message', (message: FromLogThread) => {
      if (!('id' in message)) return;
      const entry = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) entry?.reject(new Error(message.error));
      else entry?.resolve();
    });
    w.on('error', (error) => settleAll(error));
    w.on('exit', () => {
      if (worker === w) worker = undefined;
      settleAll(new Error('the request-log thread stopped'));
    });
    return w;
  };
  const send = (message: ToLogThread) =>
    new Promise<void>((resolve, reject) => {
      waiting.set(message.id, { resolve, reject });
      (worker ??= start()).postMessage(message);
    });

  return {
    write(batch) {
      const chunks: string[] = [];
      for (let i = 0; i < batch.length; i += ROWS_PER_CHUNK) chunks.push(JSON.stringify(batch.slice(i, i + ROWS_PER_CHUNK).map(asTuple)));
      return send({ op: 'write', id: nextId++, chunks });
    },
    async close() {
      if (!worker) return;
      const w = worker;
      await send({ op: 'close', id: nextId++ }).catch(() => {});
      await w.terminate();
    },
  };
}
