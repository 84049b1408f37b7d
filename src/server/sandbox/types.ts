/**
 * The sandbox's contract with the rest of the server: learner code in, HTTP-like requests through,
 * logs out. Plain data only: all of it crosses worker-thread messages.
 */

export interface SandboxRequest {
  method: string;
  /** The path inside the workspace app, starting with "/" (without /sandbox/<id>). */
  path: string;
  /** The raw query string without "?", may be empty. */
  query: string;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The raw body as text (the sandbox parses JSON and urlencoded bodies itself). */
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  /** What the learner's code did for this request (SQL, console, an error it threw), for the request's trace. */
  steps?: SandboxStep[];
  /** Milliseconds its thread spent running this request's code (not its waits for db, bcrypt, timers). */
  busyMs?: number;
}

/** A step of learner code; `at` is epoch milliseconds (performance.timeOrigin + now). */
export interface SandboxStep {
  /** error: a route handler threw or its promise rejected, and the app answered 500 ({name, message, line?}). */
  kind: 'sql' | 'console' | 'error';
  name: string;
  at: number;
  durationMs: number;
  outcome: 'ok' | 'error';
  detail: Record<string, unknown>;
}

export interface CodeError {
  line: number;
  column: number;
  message: string;
}

export type LoadResult =
  | { ok: true; routes: { method: string; path: string }[] }
  | { ok: false; errors: CodeError[] };

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  rowsAffected: number;
}

export interface LogLine {
  workspaceId: string;
  /** ISO time. */
  at: string;
  level: 'log' | 'info' | 'warn' | 'error';
  message: string;
  /** Line in the learner's code, when known (errors, console calls). */
  line?: number;
}

export interface SandboxOptions {
  /** Worker threads running isolates; each has its own WASM module and memory. */
  workers: number;
  /** Per-request CPU/wall limit; beyond it the request is a 504. */
  timeoutMs: number;
  /** Per-workspace memory limit in MiB. */
  memoryMb: number;
  /** A workspace unused this long is evicted and rebuilt on its next request. */
  idleMs: number;
  /** SQLite: one file per workspace under <dataDir>/workspaces/. */
  dataDir: string;
  /** PostgreSQL: one schema per workspace in this database (unset → SQLite). */
  databaseUrl?: string;
  /** Wall-clock limit for a request to be answered (awaiting db, bcrypt, timers); default max(5 s, 5 × timeoutMs). */
  responseTimeoutMs?: number;
  /** Cap on a worker's WASM memory (all its workspaces); at 3/4 of it the worker is replaced once its requests are done. Default max(256, 4 × memoryMb). */
  workerMemoryMb?: number;
  /** A worker silent this long past timeoutMs (a built-in QuickJS cannot interrupt) is replaced; default 1500. */
  stuckMarginMs?: number;
  /** Where a replaced worker thread is reported (the app's pino logger). */
  log?: SandboxLogger;
}

/** The part of a pino logger the sandbox uses. */
export interface SandboxLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}
