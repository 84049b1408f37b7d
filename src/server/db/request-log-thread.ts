import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

/**
 * The thread that writes request logs into the SQLite file, on a connection of its own, and keeps
 * the WAL short. On the main thread a second's batch took up to 30 ms with its fsync and the
 * checkpoints its commits set off, and the event loop stood still for all of it.
 */
export interface LogThreadData {
  file: string;
  keepRows: number;
}
/** `chunks`: JSON arrays of rows, each short enough for one quick transaction. */
export type ToLogThread = { op: 'write'; id: number; chunks: string[] } | { op: 'close'; id: number };
export type FromLogThread = { op: 'ready' } | { id: number; error?: string };

const CHECKPOINT_EVERY_MS = 1000;
const PRUNE_EVERY_MS = 60_000;

const { file, keepRows } = workerData as LogThreadData;
const db = new SQLite(file);
// Logs are best-effort: their commits need not wait for the disk (the next synchronous=FULL commit
// of real data, or the checkpoint, syncs them). Waiting on a lock is fine here, on this thread.
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');

const insert = db.prepare(`insert into request_logs (request_id, method, path, route, status, duration_ms, user_id, ip, created_at)
  select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8 from json_each(?)`);
const prune = db.prepare('delete from request_logs where id <= (select max(id) from request_logs) - ?');

// PASSIVE never waits for readers or writers; it copies what it can and the WAL restarts when it is all in.
const checkpoint = setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), CHECKPOINT_EVERY_MS);
const pruning = setInterval(() => prune.run(keepRows), PRUNE_EVERY_MS);

parentPort!.on('message', (message: ToLogThread) => {
  if (message.op === 'close') {
    clearInterval(checkpoint);
    clearInterval(pruning);
    db.close();
    parentPort!.postMessage({ id: message.id } satisfies FromLogThread);
    return;
  }
  try {
    for (const chunk of message.chunks) insert.run(chunk);
    parentPort!.postMessage({ id: message.id } satisfies FromLogThread);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) } satisfies FromLogThread);
  }
});
parentPort!.postMessage({ op: 'ready' } satisfies FromLogThread);
