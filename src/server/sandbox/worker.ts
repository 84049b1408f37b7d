import { parentPort, workerData } from 'node:worker_threads';
import * as bcrypt from './bcrypt.ts';
import { newQuickJSWASMModule, newVariant, RELEASE_SYNC } from 'quickjs-emscripten';
import { checkWorkspaceId, PgAdmin, WorkspaceDb } from './db.ts';
import * as jwt from './jwt.ts';
import type { DbSchema, Explained, RowsPage, RowsRequest } from '../explorer/types.ts';
import type { LoadResult, LogLine, SandboxRequest, SandboxResponse, SqlResult } from './types.ts';
import { problem, Workspace, type HostOps } from './workspace.ts';

/**
 * One sandbox worker thread: its own QuickJS WASM module (so its memory is its own and goes when
 * the thread goes), the workspaces hashed to it, and their databases. Messages in and out are
 * plain data; see pool.ts for the protocol.
 */

export interface WorkerConfig {
  /**
   * Int32Array[3]: [0] the message id the thread is running code or a statement for (0: none,
   * -1: none known); [1] a counter bumped at each message and each entry into or out of the VM,
   * so the pool sees a thread that works through a queue as alive while its pings wait in it;
   * [2] the workspaces loaded on the thread (what goes with it when it is replaced, even stuck).
   */
  running: SharedArrayBuffer;
  timeoutMs: number;
  responseTimeoutMs: number;
  memoryMb: number;
  idleMs: number;
  /** The WASM memory's maximum: all of this worker's workspaces together. */
  workerMemoryMb: number;
  dataDir: string;
  databaseUrl?: string;
}

export type ToWorker =
  | { id: number; op: 'load'; workspaceId: string; source: string }
  | { id: number; op: 'handle'; workspaceId: string; source: string; request: SandboxRequest }
  | { id: number; op: 'sql'; workspaceId: string; sql: string; params: unknown[] }
  | { id: number; op: 'reset'; workspaceId: string }
  | { id: number; op: 'unload'; workspaceId: string }
  | { id: number; op: 'forgetTables'; workspaceId: string }
  | { id: number; op: 'schema'; workspaceId: string }
  | { id: number; op: 'rows'; workspaceId: string; request: RowsRequest }
  | { id: number; op: 'explain'; workspaceId: string; sql: string; params: unknown[] }
  | { op: 'ping'; seq: number };

export type FromWorker =
  | { id: number; ok: true; value: WorkerValue }
  | { id: number; ok: false; message: string }
  | { op: 'log'; line: LogLine }
  | { op: 'pong'; seq: number; wasmBytes: number }
  | { op: 'ready' };

type WorkerValue = LoadResult | SandboxResponse | SqlResult | DbSchema | RowsPage | Explained | null;

const config = workerData as WorkerConfig;
const port = parentPort!;
// Our own WASM memory, to give it a maximum: past it malloc fails and QuickJS throws out of memory.
const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: Math.ceil((config.workerMemoryMb * 1024 * 1024) / 65536) });
const module = await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory }));
const heapBytes = () => wasmMemory.buffer.byteLength;
const admin = config.databaseUrl ? new PgAdmin(config.databaseUrl) : null;
const workspaces = new Map<string, Workspace>();
const retired = new Set<Workspace>();
const databases = new Map<string, { db: WorkspaceDb; lastUsed: number }>();

function send(message: FromWorker) {
  port.postMessage(message);
}

function database(workspaceId: string): WorkspaceDb {
  let entry = databases.get(workspaceId);
  if (!entry) {
    entry = { db: new WorkspaceDb(workspaceId, config, admin), lastUsed: Date.now() };
    databases.set(workspaceId, entry);
  }
  entry.lastUsed = Date.now();
  return entry.db;
}

function hostOps(workspaceId: string): HostOps {
  return {
    sync(op, args) {
      const a = (args ?? {}) as Record<string, unknown>;
      switch (op) {
        case 'jwt.sign':
          return jwt.sign(a.payload, String(a.secret), (a.options ?? {}) as Record<string, unknown>);
        case 'jwt.verify':
          return jwt.verify(String(a.token), String(a.secret), (a.options ?? {}) as Record<string, unknown>);
        case 'jwt.decode':
          return jwt.decode(String(a.token), (a.options ?? {}) as Record<string, unknown>);
        case 'bcrypt.genSaltSync':
          return bcrypt.genSalt(a.rounds);
        case 'bcrypt.hashSync':
          return bcrypt.hashSync(String(a.password), a.salt);
        case 'bcrypt.compareSync':
          return bcrypt.compareSync(String(a.password), String(a.hash));
        case 'db.dialect':
          return admin ? 'postgres' : 'sqlite';
        default:
          throw new Error(`Unknown operation ${op}`);
      }
    },
    async async(op, args) {
      const a = (args ?? {}) as Record<string, unknown>;
      switch (op) {
        case 'bcrypt.genSalt':
          return bcrypt.genSalt(a.rounds);
        case 'bcrypt.hash':
          return bcrypt.hash(String(a.password), a.salt);
        case 'bcrypt.compare':
          return bcrypt.compare(String(a.password), String(a.hash));
        case 'db.query': {
          // Rows (an array) for statements that return rows, { rowsAffected, lastInsertId } otherwise.
          const out = await database(workspaceId).query(String(a.sql), a.params);
          return 'rows' in out ? out.rows : out;
        }
        default:
          if (op.startsWith('docs.')) return database(workspaceId).documents.run(op.slice(5), a);
          throw new Error(`Unknown operation ${op}`);
      }
    },
    log(line) {
      send({ op: 'log', line });
    },
  };
}

const running = new Int32Array(config.running);
const progress = () => Atomics.add(running, 1, 1);
const workspaceOptions = {
  timeoutMs: config.timeoutMs,
  responseTimeoutMs: config.responseTimeoutMs,
  memoryMb: config.memoryMb,
  heapBytes,
  onEnter: (tag: number) => {
    progress();
    // -1 (code outside any request) does not hide the id of a load in progress.
    if (tag === -1) Atomics.compareExchange(running, 0, 0, -1);
    else Atomics.store(running, 0, tag);
  },
};

/** SQLite runs a statement on this thread before its promise exists: the pool must know whom to blame if it never ends. */
function blocking<T>(id: number, work: () => Promise<T>): Promise<T> {
  Atomics.store(running, 0, id);
  try {
    return work();
  } finally {
    Atomics.store(running, 0, 0);
  }
}

const countLoaded = () => Atomics.store(running, 2, workspaces.size);

function retire(ws: Workspace) {
  if (workspaces.get(ws.id) === ws) {
    workspaces.delete(ws.id);
    countLoaded();
  }
  if (ws.busy && !ws.broken) {
    retired.add(ws);
    return;
  }
  ws.dispose();
}

function load(workspaceId: string, source: string): LoadResult {
  checkWorkspaceId(workspaceId);
  const outcome = Workspace.load(module, workspaceId, source, workspaceOptions, hostOps(workspaceId));
  if (!outcome.ok) return outcome;
  const previous = workspaces.get(workspaceId);
  if (previous) retire(previous);
  const ws = outcome.workspace;
  ws.onBroken = () => retire(ws);
  workspaces.set(workspaceId, ws);
  countLoaded();
  return { ok: true, routes: outcome.routes };
}

async function handle(tag: number, workspaceId: string, source: string, request: SandboxRequest): Promise<SandboxResponse> {
  let ws = workspaces.get(workspaceId);
  if (!ws || ws.broken || ws.disposed) {
    const loaded = load(workspaceId, source);
    if (!loaded.ok) {
      const first = loaded.errors[0];
      return problem(500, 'sandbox-load-error', 'Your code does not load',
        first ? `Line ${first.line}: ${first.message}` : 'Your code does not load', { errors: loaded.errors });
    }
    ws = workspaces.get(workspaceId)!;
  }
  return ws.handle(request, tag);
}

async function run(message: Exclude<ToWorker, { op: 'ping' }>): Promise<WorkerValue> {
  switch (message.op) {
    case 'load':
      Atomics.store(running, 0, message.id);
      try {
        return load(message.workspaceId, message.source);
      } finally {
        Atomics.store(running, 0, 0);
      }
    case 'handle':
      return handle(message.id, message.workspaceId, message.source, message.request);
    case 'sql':
      checkWorkspaceId(message.workspaceId);
      return blocking(message.id, () => database(message.workspaceId).console(message.sql, message.params));
    case 'reset':
      checkWorkspaceId(message.workspaceId);
      await blocking(message.id, () => database(message.workspaceId).reset());
      return null;
    case 'schema':
      checkWorkspaceId(message.workspaceId);
      return blocking(message.id, () => database(message.workspaceId).schema());
    case 'rows':
      checkWorkspaceId(message.workspaceId);
      return blocking(message.id, () => database(message.workspaceId).rows(message.request));
    case 'explain':
      checkWorkspaceId(message.workspaceId);
      return blocking(message.id, () => database(message.workspaceId).explain(message.sql, message.params));
    case 'forgetTables':
      databases.get(message.workspaceId)?.db.forgetTables();
      return null;
    case 'unload': {
      const ws = workspaces.get(message.workspaceId);
      if (ws) retire(ws);
      return null;
    }
  }
}

port.on('message', (message: ToWorker) => {
  if (message.op === 'ping') {
    send({ op: 'pong', seq: message.seq, wasmBytes: heapBytes() });
    return;
  }
  progress();
  run(message).then(
    (value) => send({ id: message.id, ok: true, value }),
    (error: unknown) => send({ id: message.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
  );
});

// Idle workspaces and databases go; retired runtimes go once their last request is answered.
const sweep = setInterval(() => {
  const now = Date.now();
  for (const ws of [...workspaces.values()]) if (!ws.busy && now - ws.lastUsed > config.idleMs) retire(ws);
  for (const ws of [...retired]) {
    if (!ws.busy) {
      retired.delete(ws);
      ws.dispose();
    }
  }
  for (const [id, entry] of [...databases]) {
    if (now - entry.lastUsed > config.idleMs && !workspaces.has(id)) {
      databases.delete(id);
      void entry.db.close().catch(() => {});
    }
  }
}, Math.max(20, Math.min(config.idleMs / 2, 10_000)));
sweep.unref();

send({ op: 'ready' });
