import fs from 'node:fs';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { countedBytes, MemoryMeter } from './memory.ts';
import type { CodeError, LogLine, SandboxRequest, SandboxResponse, SandboxStep } from './types.ts';

/**
 * One workspace's QuickJS runtime and context, in a worker thread: loads the learner's code after
 * the shim, serves requests through the shim's dispatch, and runs host work (db, bcrypt, timers)
 * for it. Everything crossing the boundary is a string; the host parses and checks it.
 */

const SHIM = fs.readFileSync(new URL('./shim.js', import.meta.url), 'utf8');

export const LIMITS = {
  /** Response bodies, in UTF-8 bytes (checked in characters in the VM first). */
  bodyBytes: 1024 * 1024,
  /** One log line, in characters. */
  logChars: 10_000,
  /** Log lines per workspace per second; beyond it lines are counted and dropped. */
  logsPerSecond: 100,
  /** QuickJS's own stack limit. The worker thread's stack is larger (see pool.ts). */
  stackBytes: 512 * 1024,
  /** Active timers per workspace. */
  timers: 1000,
};

export interface HostOps {
  /** Synchronous host work (jwt, bcrypt sync): returns a JSON-able value or throws. */
  sync(op: string, args: unknown): unknown;
  /** Asynchronous host work (db, documents, bcrypt). */
  async(op: string, args: unknown): Promise<unknown>;
  log(line: LogLine): void;
}

export interface WorkspaceOptions {
  /** Told which request (its tag) the thread is about to run code for, 0 when it leaves the VM. */
  onEnter?: (tag: number) => void;
  /** The worker's WASM memory size: its growth during this workspace's entries is charged to it (memory.ts). */
  heapBytes: () => number;
  timeoutMs: number;
  responseTimeoutMs: number;
  memoryMb: number;
}

interface InFlight {
  id: number;
  /** The caller's id for the request (the pool's message id). */
  tag: number;
  label: string;
  resolve(response: SandboxResponse): void;
  timer: NodeJS.Timeout;
  /** SQL, console output and a thrown error of this request, for its trace (bounded). */
  steps: SandboxStep[];
  /** Milliseconds the thread ran this request's code (the pool admits by it). */
  busyMs: number;
}

/** Steps kept per request: enough for a lesson, bounded against a loop of queries. */
const MAX_STEPS = 200;
const epochNow = () => performance.timeOrigin + performance.now();

function queryStep(op: string, args: unknown, at: number, result: { value?: unknown; error?: unknown }): SandboxStep {
  const a = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
  const durationMs = epochNow() - at;
  const detail: Record<string, unknown> = {};
  let name: string;
  if (op === 'db.query') {
    detail.sql = String(a.sql ?? '').slice(0, 4000);
    detail.params = Array.isArray(a.params) ? a.params.slice(0, 50) : [];
    name = String(detail.sql).replace(/\s+/g, ' ').slice(0, 120);
  } else {
    const what = op.slice('docs.'.length);
    detail.sql = `db.${String(a.collection ?? '?')}.${what}(…)`;
    detail.params = [a.filter ?? a.doc ?? a.docs ?? null].slice(0, 1);
    name = String(detail.sql);
  }
  if ('error' in result) {
    detail.error = result.error instanceof Error ? result.error.message : String(result.error);
  } else if (Array.isArray(result.value)) {
    detail.rows = result.value.length;
  } else if (result.value && typeof result.value === 'object' && 'rowsAffected' in result.value) {
    detail.rowsAffected = (result.value as { rowsAffected: unknown }).rowsAffected;
  }
  return { kind: 'sql', name, at, durationMs, outcome: 'error' in result ? 'error' : 'ok', detail };
}

export type LoadOutcome =
  | { ok: true; workspace: Workspace; routes: { method: string; path: string }[] }
  | { ok: false; errors: CodeError[] };

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DROPPED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', '__proto__']);

export function problem(status: number, type: string, title: string, detail: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: JSON.stringify({ type: `/problems/${type}`, title, status, detail, ...extra }),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Line and column of the first frame in the learner's file. */
function position(dumped: { stack?: unknown; lineNumber?: unknown; fileName?: unknown }): { line: number; column: number } {
  const stack = typeof dumped.stack === 'string' ? dumped.stack : '';
  const m = /app\.js:(\d+)(?::(\d+))?/.exec(stack);
  if (m) return { line: Number(m[1]), column: Number(m[2] ?? 1) };
  if (dumped.fileName === 'app.js' && typeof dumped.lineNumber === 'number') return { line: dumped.lineNumber, column: 1 };
  return { line: 1, column: 1 };
}

export class Workspace {
  private dispatchFn!: QuickJSHandle;
  private eventFn!: QuickJSHandle;
  private routesFn!: QuickJSHandle;
  private inflight = new Map<number, InFlight>();
  private timers = new Map<number, NodeJS.Timeout>();
  private nextRequest = 1;
  private deadline = Infinity;
  private enteredAt = 0;
  private meter: MemoryMeter;
  private interrupted = false;
  private outOfMemory = false;
  private current: InFlight | null = null;
  private depth = 0;
  private logWindow = { start: 0, count: 0, dropped: 0 };
  disposed = false;
  /** Set when the runtime must not serve again (memory exhausted, WASM trouble). */
  broken = false;
  lastUsed = Date.now();
  /** Called once the workspace is broken (the worker drops and rebuilds it). */
  onBroken: () => void = () => {};

  private constructor(
    readonly id: string,
    readonly source: string,
    private runtime: QuickJSRuntime,
    private context: QuickJSContext,
    private options: WorkspaceOptions,
    private host: HostOps,
  ) {
    this.meter = new MemoryMeter(options.memoryMb * 1024 * 1024, options.heapBytes, () => countedBytes(runtime));
  }

  static load(module: QuickJSWASMModule, id: string, source: string, options: WorkspaceOptions, host: HostOps): LoadOutcome {
    const runtime = module.newRuntime();
    runtime.setMemoryLimit(options.memoryMb * 1024 * 1024);
    runtime.setMaxStackSize(LIMITS.stackBytes);
    const context = runtime.newContext();
    const ws = new Workspace(id, source, runtime, context, options, host);
    // setMemoryLimit above caps single allocations only (memory.ts); the meter is the per-workspace
    // measure, and the worker memory's maximum the hard cap.
    ws.meter.enter();
    runtime.setInterruptHandler(() => {
      if (Date.now() > ws.deadline) {
        ws.interrupted = true;
        return true;
      }
      if (ws.meter.overDuringEntry()) {
        ws.outOfMemory = true;
        return true;
      }
      return false;
    });
    try {
      ws.install();
    } catch (error) {
      ws.dispose();
      throw error;
    }
    // The shim's own memory is the workspace's too.
    ws.meter.leave();
    const errors = ws.run(source);
    if (errors) {
      ws.dispose();
      return { ok: false, errors };
    }
    let routes: { method: string; path: string }[] = [];
    ws.deadline = Date.now() + options.timeoutMs;
    const r = context.callFunction(ws.routesFn, context.undefined);
    ws.deadline = Infinity;
    if (r.error) r.error.dispose();
    else {
      try {
        const parsed = JSON.parse(context.getString(r.value)) as unknown;
        if (Array.isArray(parsed)) {
          routes = parsed
            .filter((x): x is { method: unknown; path: unknown } => !!x && typeof x === 'object')
            .slice(0, 500)
            .map((x) => ({ method: String(x.method), path: String(x.path) }));
        }
      } catch {
        routes = [];
      }
      r.value.dispose();
    }
    return { ok: true, workspace: ws, routes };
  }

  /** Evaluates the shim and keeps its dispatch/event/routes functions. */
  private install() {
    const { context } = this;
    const hostFn = context.newFunction('host', (opH, argH) => {
      const op = context.getString(opH);
      const args = context.getString(argH);
      return context.newString(this.syncOp(op, args));
    });
    const asyncFn = context.newFunction('hostAsync', (opH, argH, idH) => {
      this.asyncOp(context.getString(opH), context.getString(argH), context.getNumber(idH));
    });
    // The answer has a host function of its own: the body arrives as the string it is, not
    // re-escaped inside a JSON envelope, and nothing is sent back.
    const respondFn = context.newFunction('respond', (idH, statusH, headersH, bodyH) => {
      try {
        const status = context.typeof(statusH) === 'number' ? context.getNumber(statusH) : (JSON.parse(context.getString(statusH)) as unknown);
        const response = { status, headers: JSON.parse(context.getString(headersH)) as unknown, body: context.getString(bodyH) };
        this.respond(context.getNumber(idH), response);
      } catch (error) {
        this.log('error', `The answer could not be read: ${errorText(error)}`);
      }
    });
    const shim = context.evalCode(SHIM, 'lab-shim.js');
    const factory = context.unwrapResult(shim);
    const idH = context.newString(this.id);
    const limits = context.unwrapResult(context.evalCode(`(${JSON.stringify({ bodyChars: LIMITS.bodyBytes, logChars: LIMITS.logChars })})`));
    const api = context.unwrapResult(context.callFunction(factory, context.undefined, hostFn, asyncFn, idH, limits, respondFn));
    this.dispatchFn = context.getProp(api, 'dispatch');
    this.eventFn = context.getProp(api, 'event');
    this.routesFn = context.getProp(api, 'routes');
    for (const h of [api, factory, idH, limits, hostFn, asyncFn, respondFn]) h.dispose();
  }

  /** The learner's code; errors in its lines, or null. */
  private run(source: string): CodeError[] | null {
    const { context } = this;
    let failure: CodeError[] | null = null;
    this.enter(null, () => {
      const result = context.evalCode(source, 'app.js');
      if (!result.error) {
        result.value.dispose();
        return;
      }
      failure = [this.loadError(result.error)];
      result.error.dispose();
    });
    if (failure) return failure;
    if (this.outOfMemory || this.broken) return [{ line: 1, column: 1, message: `Your code used more than ${this.options.memoryMb} MB of memory while loading` }];
    if (this.interrupted) return [{ line: 1, column: 1, message: `Your code ran for more than ${this.options.timeoutMs} ms while loading and was stopped` }];
    if (this.outOfMemory || this.broken) return [{ line: 1, column: 1, message: `Your code used more than ${this.options.memoryMb} MB of memory while loading` }];
    return null;
  }

  /** A thrown value from the VM as plain data (an Error's name, message, stack…). */
  private dumpError(handle: QuickJSHandle): Record<string, unknown> {
    try {
      const d = this.context.dump(handle) as unknown;
      return d && typeof d === 'object' ? (d as Record<string, unknown>) : { message: String(d) };
    } catch {
      return { message: 'Unknown error' };
    }
  }

  private loadError(handle: QuickJSHandle): CodeError {
    const dumped = this.dumpError(handle);
    const { line, column } = position(dumped);
    if (this.outOfMemory || dumped.message === 'out of memory') {
      return { line, column, message: `Your code used more than ${this.options.memoryMb} MB of memory while loading` };
    }
    if (this.interrupted) {
      return { line, column, message: `Your code ran for more than ${this.options.timeoutMs} ms while loading and was stopped` };
    }
    const name = typeof dumped.name === 'string' ? dumped.name : 'Error';
    const message = typeof dumped.message === 'string' ? dumped.message : String(dumped.message ?? dumped);
    return { line, column, message: `${name}: ${message}` };
  }

  /**
   * Every entry into the VM goes through here: a fresh deadline, the request to blame if the
   * interrupt fires (the one whose dispatch, host call or timer led here), then pending jobs.
   */
  private enter(blame: InFlight | null, work: () => void) {
    if (this.disposed || this.broken) return;
    if (this.depth > 0) {
      // Host work never re-enters the VM synchronously; guard anyway.
      work();
      return;
    }
    this.depth++;
    this.current = blame;
    this.interrupted = false;
    this.deadline = Date.now() + this.options.timeoutMs;
    const enteredAt = (this.enteredAt = performance.now());
    this.meter.enter(enteredAt);
    this.options.onEnter?.(blame?.tag ?? -1);
    let moreJobs = false;
    try {
      work();
      if (!this.interrupted) {
        for (;;) {
          const jobs = this.runtime.executePendingJobs(-1);
          if (!jobs.error) break;
          this.topLevelError(jobs.error);
          jobs.error.dispose();
          if (this.interrupted || this.outOfMemory) {
            moreJobs = true;
            break;
          }
        }
      }
      const leftAt = performance.now();
      if (blame) blame.busyMs += leftAt - enteredAt;
      if (this.meter.leave(leftAt)) this.outOfMemory = true;
    } catch (error) {
      // The WASM module itself failed (aborted): this runtime is done.
      this.broken = true;
      this.log('error', `The sandbox failed: ${errorText(error)}`);
    } finally {
      this.depth--;
      this.current = null;
      this.deadline = Infinity;
      this.options.onEnter?.(0);
    }
    if (this.outOfMemory || this.broken) {
      this.fail();
      return;
    }
    if (this.interrupted) {
      const victims = blame && this.inflight.has(blame.id) ? [blame] : [...this.inflight.values()];
      for (const r of victims) {
        this.finish(r, problem(504, 'sandbox-timeout', 'Your code ran too long',
          `${r.label} ran for more than ${this.options.timeoutMs} ms and was stopped (an endless loop, or too much work for one request).`));
      }
      if (victims.length === 0) this.log('error', `Your code ran for more than ${this.options.timeoutMs} ms outside a request and was stopped`);
      if (moreJobs) setImmediate(() => this.enter(null, () => {}));
    }
  }

  /** Memory exhausted or the runtime failed: every open request gets a 503, the runtime goes. */
  private fail() {
    const memory = this.outOfMemory;
    for (const r of [...this.inflight.values()]) {
      this.finish(r, memory
        ? problem(503, 'sandbox-memory', 'Your code used too much memory',
          `${r.label} took your app past ${this.options.memoryMb} MB of memory (what it keeps between requests counts too) and was stopped; your app was restarted, its variables empty again.`)
        : problem(503, 'sandbox-failed', 'The sandbox failed', `${r.label} could not be completed; your app was restarted.`));
    }
    if (memory) this.log('error', `Your app used more than ${this.options.memoryMb} MB of memory and was restarted`);
    this.broken = true;
    this.onBroken();
  }

  private topLevelError(handle: QuickJSHandle) {
    const dumped = this.dumpError(handle);
    if (this.interrupted || this.outOfMemory) return;
    if (dumped.message === 'out of memory') {
      this.outOfMemory = true;
      return;
    }
    const { line } = position(dumped);
    this.log('error', `${String(dumped.name ?? 'Error')}: ${String(dumped.message ?? '')}`, line);
  }

  handle(request: SandboxRequest, tag = 0): Promise<SandboxResponse> {
    const id = this.nextRequest++;
    this.lastUsed = Date.now();
    return new Promise<SandboxResponse>((resolve) => {
      const label = `${request.method} ${request.path}`;
      const state: InFlight = {
        id,
        tag,
        label,
        resolve,
        steps: [],
        busyMs: 0,
        timer: setTimeout(() => {
          this.finish(state, problem(504, 'sandbox-no-response', 'Your code did not respond',
            `${label} did not send a response within ${this.options.responseTimeoutMs} ms: every request must end with res.send(), res.json() or res.end().`));
        }, this.options.responseTimeoutMs),
      };
      this.inflight.set(id, state);
      if (this.broken || this.disposed) {
        this.finish(state, problem(503, 'sandbox-failed', 'The sandbox failed', `${label} could not be run; try again.`));
        return;
      }
      const payload = JSON.stringify({ method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body });
      this.enter(state, () => {
        const { context } = this;
        const idH = context.newNumber(id);
        const reqH = context.newString(payload);
        const r = context.callFunction(this.dispatchFn, context.undefined, idH, reqH);
        idH.dispose();
        reqH.dispose();
        if (r.error) {
          this.topLevelError(r.error);
          r.error.dispose();
          if (!this.interrupted && !this.outOfMemory) {
            this.finish(state, problem(500, 'sandbox-error', 'Your code threw an error', `${label} failed inside the sandbox`));
          }
        } else r.value.dispose();
      });
    });
  }

  private finish(state: InFlight, response: SandboxResponse) {
    if (!this.inflight.delete(state.id)) return;
    clearTimeout(state.timer);
    // Answered from inside an entry (res.json): that entry's time so far is the request's too.
    const running = this.depth > 0 && this.current === state ? performance.now() - this.enteredAt : 0;
    const busyMs = Math.round((state.busyMs + running) * 1000) / 1000;
    state.resolve(state.steps.length > 0 ? { ...response, busyMs, steps: state.steps } : { ...response, busyMs });
  }

  private addStep(state: InFlight | null, step: SandboxStep) {
    if (state && this.inflight.has(state.id) && state.steps.length < MAX_STEPS) state.steps.push(step);
  }

  get busy() {
    return this.inflight.size > 0;
  }

  // ---- host operations ------------------------------------------------------------------------

  private syncOp(op: string, argsJson: string): string {
    try {
      const args = JSON.parse(argsJson) as unknown;
      return JSON.stringify({ v: this.runSync(op, args) ?? null });
    } catch (error) {
      return JSON.stringify({ e: errorShape(error) });
    }
  }

  private runSync(op: string, args: unknown): unknown {
    const a = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
    switch (op) {
      case 'log': {
        const level = ['log', 'info', 'warn', 'error'].includes(String(a.level)) ? (String(a.level) as LogLine['level']) : 'log';
        this.log(level, String(a.message ?? ''), typeof a.line === 'number' ? a.line : undefined);
        return null;
      }
      case 'oom':
        this.outOfMemory = true;
        return null;
      case 'thrown':
        this.thrown(a);
        return null;
      case 'timer':
        this.startTimer(Number(a.id), Number(a.ms), a.repeat === true);
        return null;
      case 'clearTimer': {
        const t = this.timers.get(Number(a.id));
        if (t) clearTimeout(t);
        this.timers.delete(Number(a.id));
        return null;
      }
      default:
        return this.host.sync(op, args);
    }
  }

  private asyncOp(op: string, argsJson: string, callId: number) {
    const blame = this.current;
    let args: unknown;
    try {
      args = JSON.parse(argsJson);
    } catch {
      args = null;
    }
    const traced = op === 'db.query' || op.startsWith('docs.');
    const at = epochNow();
    this.host.async(op, args).then(
      (value) => {
        if (traced) this.addStep(blame, queryStep(op, args, at, { value }));
        return JSON.stringify({ v: value ?? null });
      },
      (error: unknown) => {
        if (traced) this.addStep(blame, queryStep(op, args, at, { error }));
        return JSON.stringify({ e: errorShape(error) });
      },
    ).then((json) => {
      const state = blame && this.inflight.has(blame.id) ? blame : null;
      this.callEvent(state, 'done', callId, json);
    });
  }

  private callEvent(blame: InFlight | null, kind: string, id: number, json: string) {
    this.enter(blame, () => {
      const { context } = this;
      const k = context.newString(kind);
      const i = context.newNumber(id);
      const j = context.newString(json);
      const r = context.callFunction(this.eventFn, context.undefined, k, i, j);
      for (const h of [k, i, j]) h.dispose();
      if (r.error) {
        this.topLevelError(r.error);
        r.error.dispose();
      } else r.value.dispose();
    });
  }

  private startTimer(id: number, ms: number, repeat: boolean) {
    if (this.timers.size >= LIMITS.timers) throw new Error(`At most ${LIMITS.timers} timers at once in the Backend Lab sandbox`);
    const blame = this.current;
    const delay = Math.min(Math.max(Number.isFinite(ms) ? ms : 0, repeat ? 10 : 0), 2 ** 31 - 1);
    const fire = () => {
      if (!repeat) this.timers.delete(id);
      const state = blame && this.inflight.has(blame.id) ? blame : null;
      this.callEvent(state, 'timer', id, '');
    };
    this.timers.set(id, repeat ? setInterval(fire, delay) : setTimeout(fire, delay));
  }

  private respond(id: number, response: unknown) {
    const state = this.inflight.get(id);
    // The request that takes the app past its memory gets the 503, not its own answer.
    if (state && this.meter.overDuringEntry()) this.outOfMemory = true;
    // After the interrupt fired, error handlers may still "answer": the request gets its 504.
    if (!state || this.interrupted || this.outOfMemory) return;
    this.finish(state, checkResponse(response, state.label));
  }

  private log(level: LogLine['level'], message: string, line?: number) {
    const now = Date.now();
    const w = this.logWindow;
    if (now - w.start >= 1000) {
      if (w.dropped > 0) {
        this.host.log({ workspaceId: this.id, at: new Date(now).toISOString(), level: 'warn',
          message: `${w.dropped} log lines were dropped (at most ${LIMITS.logsPerSecond} per second)` });
      }
      w.start = now;
      w.count = 0;
      w.dropped = 0;
    }
    if (++w.count > LIMITS.logsPerSecond) {
      w.dropped++;
      return;
    }
    const text = message.length > LIMITS.logChars ? `${message.slice(0, LIMITS.logChars)}… (${message.length - LIMITS.logChars} more characters)` : message;
    const entry: LogLine = { workspaceId: this.id, at: new Date(now).toISOString(), level, message: text };
    if (line !== undefined && Number.isInteger(line) && line > 0) entry.line = line;
    this.host.log(entry);
    const detail: Record<string, unknown> = { level, message: text.slice(0, 2000) };
    if (entry.line) detail.line = entry.line;
    this.addStep(this.current, { kind: 'console', name: `console.${level}`, at: epochNow(), durationMs: 0, outcome: level === 'error' ? 'error' : 'ok', detail });
  }

  /** A route handler threw (or its promise rejected) and the app answered 500: an error step for the request's trace. */
  private thrown(a: Record<string, unknown>) {
    const name = String(a.name ?? 'Error').slice(0, 200);
    const message = String(a.message ?? '').slice(0, 2000);
    const detail: Record<string, unknown> = { name, message };
    if (typeof a.line === 'number' && Number.isInteger(a.line) && a.line > 0) detail.line = a.line;
    this.addStep(this.current, { kind: 'error', name: `${name}: ${message}`.slice(0, 200), at: epochNow(), durationMs: 0, outcome: 'error', detail });
  }

  /** Frees the runtime. Open requests get a 503 (the worker calls this when nothing is open). */
  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    for (const r of [...this.inflight.values()]) this.finish(r, problem(503, 'sandbox-restarted', 'Your app was restarted', `${r.label} was interrupted by a restart; try again.`));
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    try {
      for (const h of [this.dispatchFn, this.eventFn, this.routesFn]) if (h?.alive) h.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime that hit its memory limit can fail to free; its memory goes with the worker.
    }
  }
}

function errorShape(error: unknown) {
  if (error instanceof Error) {
    const extra = (error as Error & { extra?: Record<string, unknown> }).extra ?? {};
    const code = (error as Error & { code?: unknown }).code;
    return { name: error.name, message: error.message, ...(code !== undefined ? { code } : {}), ...extra };
  }
  return { name: 'Error', message: String(error) };
}

/** The shim's response, checked: a status in range, valid header names and values, a bounded body. */
export function checkResponse(response: unknown, label: string): SandboxResponse {
  const r = (response && typeof response === 'object' ? response : {}) as Record<string, unknown>;
  const status = Number(r.status);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    return problem(500, 'sandbox-error', 'Your code sent an invalid status', `${label} answered with status ${JSON.stringify(r.status)}: a status is a number from 200 to 599.`);
  }
  const body = typeof r.body === 'string' ? r.body : '';
  if (Buffer.byteLength(body) > LIMITS.bodyBytes) {
    return problem(500, 'sandbox-response-too-large', 'The response is too large', `${label} produced a body larger than 1 MiB, the sandbox limit.`);
  }
  const headers: Record<string, string | string[]> = {};
  const given = r.headers && typeof r.headers === 'object' ? (r.headers as Record<string, unknown>) : {};
  for (const name of Object.keys(given).slice(0, 100)) {
    const key = name.toLowerCase();
    if (!HEADER_NAME.test(key) || DROPPED_HEADERS.has(key)) continue;
    const value = given[name];
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length <= 8192 && !/[\r\n\0]/.test(v));
    if (values.length === 0) continue;
    headers[key] = Array.isArray(value) ? values : values[0]!;
  }
  return { status, headers, body };
}
