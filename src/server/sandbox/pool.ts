import { Worker } from 'node:worker_threads';
import { Admission, type Busy, MAX_IN_FLIGHT } from './admission.ts';
import type { FromWorker, ToWorker, WorkerConfig } from './worker.ts';
import type { DbSchema, Explained, RowsPage, RowsRequest } from '../explorer/types.ts';
import type { LoadResult, LogLine, SandboxOptions, SandboxRequest, SandboxResponse, SqlResult } from './types.ts';

/**
 * The sandbox as the server sees it: a few worker threads, each with its own QuickJS WASM module,
 * one QuickJS runtime per workspace inside. A workspace always goes to the same worker (hash of
 * its id). The main thread only routes messages and watches the workers: QuickJS stops learner
 * loops itself (interrupt handler), but a built-in that cannot be interrupted or a runaway SQLite
 * statement blocks the thread, so a worker that does not answer a ping in time is terminated, its
 * open requests answered, and a fresh worker started; workspaces reload on demand from the
 * `source` the caller passes. The workspace that stalled it then runs on a quarantine thread for a
 * while, so doing it again does not cost its former neighbours their state.
 */

export interface Sandbox {
  /** Compiles and runs the learner's module code for a workspace; on success, later requests use it. */
  load(workspaceId: string, source: string): Promise<LoadResult>;
  /** Serves one request with the workspace's loaded code. If the workspace is not loaded in this process, `source` is used to load it first (code lives in the main database; the caller passes it). */
  handle(workspaceId: string, source: string, request: SandboxRequest): Promise<SandboxResponse>;
  /** One SQL statement on the workspace database (for the lab's SQL console). Errors reject with an Error whose message is SQLite's/PostgreSQL's. */
  sql(workspaceId: string, sql: string, params: unknown[]): Promise<SqlResult>;
  /** The database explorer: the workspace database's tables with columns, indexes, foreign keys and row counts. */
  schema(workspaceId: string): Promise<DbSchema>;
  /** One page of a table's rows; null when there is no such table. */
  rows(workspaceId: string, request: RowsRequest): Promise<RowsPage | null>;
  /** A statement's query plan, read for a learner. Errors reject like `sql`. */
  explain(workspaceId: string, sql: string, params: unknown[]): Promise<Explained>;
  /** Empties the workspace database (drops every table/collection). */
  reset(workspaceId: string): Promise<void>;
  /** Forgets a workspace's loaded code in this process (another instance deployed new code). */
  unload(workspaceId: string): Promise<void>;
  /** Forgets what this process knows about a workspace's tables (another instance reset its database). */
  forgetTables(workspaceId: string): Promise<void>;
  /** console.* output and errors of learner code. */
  onLog(listener: (line: LogLine) => void): () => void;
  close(): Promise<void>;
}

const DEFAULTS = { workers: 2, timeoutMs: 1000, memoryMb: 64, idleMs: 10 * 60_000 };
/**
 * How long a workspace that stalled its thread runs on a thread of its own kind. A stall costs
 * every workspace on the thread its state; the second one, and every one after, costs only the
 * workspaces that stalled too.
 */
const QUARANTINE_MS = 10 * 60_000;
/** How long past the time limit a worker may stay silent before it is considered stuck. */
const STUCK_MARGIN_MS = 1500;
const PING_EVERY_MS = 100;
/** Operations that run a statement on the workspace database (a stuck one is reported as too long). */
const DATABASE_OPS = new Set(['sql', 'schema', 'rows', 'explain']);

type Op = Exclude<ToWorker, { op: 'ping' }>;
type Message = Op extends infer T ? (T extends Op ? Omit<T, 'id'> : never) : never;

interface Pending {
  message: Message;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

function problemResponse(status: number, type: string, title: string, detail: string): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: JSON.stringify({ type: `/problems/${type}`, title, status, detail }),
  };
}

function label(request: SandboxRequest) {
  return `${request.method} ${request.path}`;
}

/** 429 at once, saying why: waiting would only lengthen the queue its neighbours wait in. */
function busyResponse(request: SandboxRequest, busy: Busy, timeoutMs: number): SandboxResponse {
  const why = busy.inFlight >= MAX_IN_FLIGHT
    ? `your app already has ${busy.inFlight} requests in progress, the most one workspace may have`
    : `your app already has ${busy.inFlight} request${busy.inFlight === 1 ? '' : 's'} in progress, and its recent requests kept the sandbox busy about ${Math.round(busy.costMs)} ms each (the limit is ${timeoutMs} ms)`;
  const response = problemResponse(429, 'sandbox-busy', 'Your app is busy',
    `${label(request)} was not run: ${why}. A workspace's requests run one after another on a thread it shares, so more would hold up other workspaces; send it again once one has finished.`);
  response.headers['retry-after'] = String(busy.retryAfterSeconds);
  return response;
}

/** The worker a workspace goes to. */
export function workerIndex(workspaceId: string, workers: number) {
  return hash(workspaceId) % workers;
}

/** FNV-1a: a stable worker for each workspace. */
function hash(text: string) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Slot {
  readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  /** [0] the message being run, [1] a progress counter, [2] workspaces loaded (see WorkerConfig.running). */
  readonly running = new SharedArrayBuffer(12);
  private readonly flags = new Int32Array(this.running);
  private pingSentAt: number | null = null;
  private lastPongAt = Date.now();
  private lastProgress = 0;
  private lastProgressAt = Date.now();
  private seq = 0;
  wasmBytes = 0;
  dead = false;
  /** Watched only once it has started (compiling the WASM module takes a while). */
  ready = false;

  constructor(
    readonly index: number,
    config: Omit<WorkerConfig, 'running'>,
    private onMessage: (slot: Slot, message: FromWorker) => void,
    private onExit: (slot: Slot, reason: string) => void,
  ) {
    this.worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      workerData: { ...config, running: this.running } satisfies WorkerConfig,
      // QuickJS's stack limit is 512 KiB of WASM stack; the thread's native stack must be well above it.
      resourceLimits: { stackSizeMb: 8, maxOldGenerationSizeMb: 512 },
    });
    this.worker.on('message', (message: FromWorker) => {
      if ('op' in message && message.op === 'ready') {
        this.ready = true;
        this.lastPongAt = Date.now();
        return;
      }
      if ('op' in message && message.op === 'pong') {
        this.pingSentAt = null;
        this.lastPongAt = Date.now();
        this.wasmBytes = message.wasmBytes;
        return;
      }
      this.onMessage(this, message);
    });
    this.worker.on('error', (error) => this.onExit(this, `the worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.onExit(this, `the worker exited with code ${code}`));
  }

  /**
   * True when the thread has neither answered a ping nor moved on for longer than the limit allows.
   * A ping waits behind queued messages (four requests to a 1 s loop hold it 4 s), so a thread that
   * keeps starting and finishing entries is alive; one inside a single entry past the limit is not.
   */
  watch(limitMs: number): boolean {
    const now = Date.now();
    if (!this.ready) return false;
    const progress = Atomics.load(this.flags, 1);
    if (progress !== this.lastProgress) {
      this.lastProgress = progress;
      this.lastProgressAt = now;
    }
    if (this.pingSentAt !== null) return now - this.pingSentAt > limitMs && now - this.lastProgressAt > limitMs;
    if (this.pending.size > 0 || now - this.lastPongAt > 500) {
      this.pingSentAt = now;
      this.worker.postMessage({ op: 'ping', seq: ++this.seq } satisfies ToWorker);
    }
    return false;
  }

  /** The id of the message whose code the thread is running, 0 if none. */
  runningId() {
    return Atomics.load(this.flags, 0);
  }

  /** Workspaces loaded on the thread (they go with it when it is replaced). */
  loadedWorkspaces() {
    return Atomics.load(this.flags, 2);
  }
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const workers = Math.max(1, Math.floor(options.workers || DEFAULTS.workers));
  const timeoutMs = options.timeoutMs > 0 ? options.timeoutMs : DEFAULTS.timeoutMs;
  const config: Omit<WorkerConfig, 'running'> = {
    timeoutMs,
    responseTimeoutMs: options.responseTimeoutMs ?? Math.max(5000, timeoutMs * 5),
    memoryMb: options.memoryMb > 0 ? options.memoryMb : DEFAULTS.memoryMb,
    idleMs: options.idleMs > 0 ? options.idleMs : DEFAULTS.idleMs,
    workerMemoryMb: 0,
    dataDir: options.dataDir,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  };
  config.workerMemoryMb = Math.max(options.workerMemoryMb ?? Math.max(256, config.memoryMb * 4), config.memoryMb * 2, 32);
  const stuckMs = timeoutMs + (options.stuckMarginMs ?? STUCK_MARGIN_MS);
  // Replaced when 3/4 full: WASM memory never shrinks, a fresh worker starts small again.
  const workerMemoryBytes = config.workerMemoryMb * 1024 * 1024 * 0.75;
  // One slot per worker, and one more for quarantined workspaces (started only when needed).
  const slots: (Slot | null)[] = Array.from({ length: workers + 1 }, () => null);
  const quarantined = new Map<string, number>();
  const draining = new Set<Slot>();
  const listeners = new Set<(line: LogLine) => void>();
  const admission = new Admission(timeoutMs);
  let nextId = 1;
  let closed = false;

  function inQuarantine(workspaceId: string) {
    const until = quarantined.get(workspaceId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    quarantined.delete(workspaceId);
    return false;
  }

  function slotFor(workspaceId: string, spawn: boolean): Slot | null {
    const index = inQuarantine(workspaceId) ? workers : workerIndex(workspaceId, workers);
    let slot = slots[index] ?? null;
    if (!slot && spawn) {
      slot = new Slot(index, config, receive, exited);
      slots[index] = slot;
    }
    return slot;
  }

  function receive(slot: Slot, message: FromWorker) {
    if ('op' in message) {
      if (message.op === 'log') for (const listener of listeners) listener(message.line);
      return;
    }
    const pending = slot.pending.get(message.id);
    if (!pending) return;
    slot.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new Error(message.message));
    if (draining.has(slot) && slot.pending.size === 0) retireNow(slot);
  }

  /** Answers everything a dead or killed worker still owed. */
  function settleAll(slot: Slot, stuckId: number, reason: string) {
    for (const [id, pending] of slot.pending) {
      clearTimeout(pending.timer);
      const m = pending.message;
      const stuck = id === stuckId;
      if (m.op === 'handle') {
        pending.resolve(stuck
          ? problemResponse(504, 'sandbox-timeout', 'Your code ran too long',
            `${label(m.request)} ran for more than ${timeoutMs} ms and was stopped (a built-in call or database statement that could not be interrupted).`)
          : problemResponse(503, 'sandbox-restarted', 'The sandbox restarted',
            `${label(m.request)} was interrupted because the sandbox thread serving it was restarted (${reason}); try again.`));
      } else if (m.op === 'load' && stuck) {
        pending.resolve({ ok: false, errors: [{ line: 1, column: 1, message: `Your code ran for more than ${timeoutMs} ms while loading and was stopped` }] } satisfies LoadResult);
      } else if (DATABASE_OPS.has(m.op) && stuck) {
        pending.reject(new Error(`The statement ran for more than ${timeoutMs} ms and was stopped`));
      } else if (m.op === 'unload' || m.op === 'forgetTables') {
        pending.resolve(null);
      } else {
        pending.reject(new Error(`The sandbox thread was restarted (${reason}); try again`));
      }
    }
    slot.pending.clear();
  }

  /** One warn line per replaced thread: which, why, and what went with it. */
  function logReplaced(slot: Slot, reason: string) {
    const workspaces = slot.loadedWorkspaces();
    options.log?.warn(
      { worker: slot.index, reason, workspaces, openRequests: slot.pending.size },
      `sandbox worker ${slot.index} replaced (${reason}): its ${workspaces} loaded workspace${workspaces === 1 ? '' : 's'} start again on their next request`,
    );
  }

  function exited(slot: Slot, reason: string) {
    if (slot.dead) return;
    logReplaced(slot, reason);
    slot.dead = true;
    draining.delete(slot);
    const index = slots.indexOf(slot);
    if (index >= 0) slots[index] = null;
    settleAll(slot, -2, reason);
  }

  function kill(slot: Slot, reason: string) {
    if (slot.dead) return;
    logReplaced(slot, reason);
    const stuckId = slot.runningId();
    const culprit = slot.pending.get(stuckId)?.message.workspaceId;
    if (culprit !== undefined && slot.index !== workers) {
      if (quarantined.size >= 10_000) quarantined.clear();
      quarantined.set(culprit, Date.now() + QUARANTINE_MS);
      options.log?.warn({ workspace: culprit, minutes: QUARANTINE_MS / 60_000 }, `sandbox workspace ${culprit} stalled worker ${slot.index}: it runs on the quarantine thread for the next ${QUARANTINE_MS / 60_000} minutes, away from other workspaces`);
    }
    slot.dead = true;
    draining.delete(slot);
    const index = slots.indexOf(slot);
    if (index >= 0) slots[index] = null;
    settleAll(slot, stuckId, reason);
    void slot.worker.terminate();
  }

  /** A worker whose WASM memory grew too far: new requests go to a fresh one, it finishes its own. */
  function recycle(slot: Slot) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    logReplaced(slot, `its WASM memory grew to ${Math.round(slot.wasmBytes / 1024 / 1024)} MB, past 3/4 of its ${config.workerMemoryMb} MB maximum; it finishes its open requests first`);
    slots[index] = null;
    if (slot.pending.size === 0) retireNow(slot);
    else draining.add(slot);
  }

  function retireNow(slot: Slot) {
    draining.delete(slot);
    slot.dead = true;
    void slot.worker.terminate();
  }

  const watchdog = setInterval(() => {
    for (const slot of [...slots, ...draining]) {
      if (!slot || slot.dead) continue;
      if (slot.watch(stuckMs)) kill(slot, `it did not answer for more than ${stuckMs} ms`);
      else if (slots.includes(slot) && slot.wasmBytes > workerMemoryBytes) recycle(slot);
    }
  }, PING_EVERY_MS);
  watchdog.unref();

  function send<T>(workspaceId: string, message: Message, hardLimitMs?: number): Promise<T> {
    if (closed) return Promise.reject(new Error('The sandbox is closed'));
    const slot = slotFor(workspaceId, true)!;
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { message, resolve: resolve as (value: unknown) => void, reject };
      if (hardLimitMs !== undefined && message.op === 'handle') {
        const request = message.request;
        pending.timer = setTimeout(() => {
          if (!slot.pending.delete(id)) return;
          resolve(problemResponse(504, 'sandbox-no-response', 'Your code did not respond',
            `${label(request)} did not get a response within ${hardLimitMs} ms.`) as T);
        }, hardLimitMs);
      }
      slot.pending.set(id, pending);
      slot.worker.postMessage({ ...message, id } as ToWorker);
    });
  }

  return {
    load(workspaceId, source) {
      admission.forget(workspaceId);
      return send<LoadResult>(workspaceId, { op: 'load', workspaceId, source });
    },
    async handle(workspaceId, source, request) {
      const plain: SandboxRequest = {
        method: String(request.method).toUpperCase(),
        path: String(request.path || '/'),
        query: String(request.query ?? ''),
        headers: { ...request.headers },
        body: String(request.body ?? ''),
      };
      const admitted = admission.admit(workspaceId);
      if ('busy' in admitted) return busyResponse(plain, admitted.busy, timeoutMs);
      let busyMs: number | undefined;
      try {
        const response = await send<SandboxResponse>(workspaceId, { op: 'handle', workspaceId, source, request: plain }, config.responseTimeoutMs + 2 * stuckMs);
        busyMs = response.busyMs;
        return response;
      } finally {
        admitted.release(busyMs);
      }
    },
    sql(workspaceId, sql, params) {
      return send<SqlResult>(workspaceId, { op: 'sql', workspaceId, sql, params });
    },
    schema(workspaceId) {
      return send<DbSchema>(workspaceId, { op: 'schema', workspaceId });
    },
    rows(workspaceId, request) {
      return send<RowsPage | null>(workspaceId, { op: 'rows', workspaceId, request });
    },
    explain(workspaceId, sql, params) {
      return send<Explained>(workspaceId, { op: 'explain', workspaceId, sql, params });
    },
    async reset(workspaceId) {
      await send<null>(workspaceId, { op: 'reset', workspaceId });
    },
    async unload(workspaceId) {
      const slot = slotFor(workspaceId, false);
      if (!slot) return;
      await send<null>(workspaceId, { op: 'unload', workspaceId });
    },
    async forgetTables(workspaceId) {
      if (!slotFor(workspaceId, false)) return;
      await send<null>(workspaceId, { op: 'forgetTables', workspaceId });
    },
    onLog(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(watchdog);
      const all = [...slots, ...draining].filter((s): s is Slot => !!s);
      for (const slot of all) {
        slot.dead = true;
        settleAll(slot, -2, 'the server is shutting down');
      }
      await Promise.all(all.map((slot) => slot.worker.terminate()));
      slots.fill(null);
      draining.clear();
    },
  };
}
