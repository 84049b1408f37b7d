import { randomHex } from './ids.ts';
import type { FastifySchema } from 'fastify';
import { Redactor } from './redact.ts';
import type { StepKind, StepOutcome, Trace, TraceStep } from './types.ts';

/** Enough for any lesson; a loop of queries cannot grow a trace without bound. */
const MAX_STEPS = 300;
/**
 * Step times are kept as whole hundredths of a millisecond: small integers live inside the step
 * object, where a fraction is a heap number of its own — a dozen more objects per kept trace for
 * every young-generation GC to copy.
 */
const hundredths = (ms: number) => Math.round(ms * 100);

/**
 * A step's name, or a module-level function that makes it from the step's detail when the trace is
 * read: a name built on the request path ("600 requests per minute: 599 left") is a chain of
 * concatenated strings, each one more object for the GC to carry while the trace is kept.
 */
export type StepName = string | ((detail: Record<string, unknown>) => string);

/**
 * Steps are kept as runs of this many values in one flat array (kind, name, start, duration,
 * outcome, detail) rather than an object each: a kept trace is six objects and 400 bytes smaller,
 * and what every kept trace costs is the garbage collector copying it into the old generation and
 * the page faults of the memory it fills there.
 */
const FIELDS = 6;

/**
 * How a request's queries point at its trace. `finish` cuts it: query ids can outlive the request
 * inside Kysely and the driver, and through them a whole recorder (with the request's Kysely) used
 * to outlive it too — young-generation GCs took three times as long.
 */
export interface TraceLink {
  trace: TraceRecorder | undefined;
}

/** What a trace store keeps: a finished request, made into its Trace when someone reads it. */
export interface FinishedTrace {
  readonly id: string;
  /** Epoch milliseconds: the store's time to live counts from here. */
  readonly finishedAt: number;
  toTrace(): Trace;
}

/**
 * The journey of one request while it happens. Steps are appended as the Fastify hooks, the auth
 * plugin, the SQL driver and the sandbox report them; `finish` hands them over to be kept.
 */
export class TraceRecorder {
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  /** Epoch milliseconds of t0, to place steps timed in another thread (the sandbox workers). */
  readonly epoch0 = performance.timeOrigin + this.t0;
  /** Room for eight steps, most requests' share: growing by pushes made two larger copies on the way. */
  private readonly steps: unknown[] = new Array(FIELDS * 8);
  private length = 0;
  /** Set by `finish`: the steps array may now be the kept trace's own, and a late step must not reach it. */
  private finished = false;
  readonly link: TraceLink = { trace: this };
  /** Learns the secrets this request's body sends, and keeps them out of every step. */
  readonly redactor = new Redactor();
  private dropped = 0;
  /** When the last step ended: steps reported after the fact start here. */
  private mark = 0;
  /** Set by the error handler: what the client was told, for the handler and response steps. */
  problem: { status: number; detail: string } | undefined;
  /**
   * Where the phases the hooks time began, and the response headers for the rate-limit step (its
   * callback only gets the request). Fields rather than WeakMaps: ephemerons cost the GC. All of
   * them from the start, so the object is made once at its full size.
   */
  readonly phase: {
    validate: number | undefined;
    /** When the handler began, and its step's name. */
    handler: number | undefined;
    handlerName: string | undefined;
    sent: number | undefined;
    reply: { getHeader(name: string): unknown } | undefined;
    /** request.routeOptions, read once: Fastify builds a new object on each read. */
    route: { url?: string | undefined; schema?: FastifySchema | undefined; config?: unknown } | undefined;
    /** The request's Kysely, made on first use. */
    db: unknown;
  } = { validate: undefined, handler: undefined, handlerName: undefined, sent: undefined, reply: undefined, route: undefined, db: undefined };

  /**
   * `id` is what GET /api/traces/:id looks up: random, never the client's. A request that starts
   * a new W3C trace (no traceparent) uses the trace id it was given, one string fewer to keep.
   */
  constructor(
    readonly traceId: string,
    readonly method: string,
    readonly path: string,
    readonly id: string = randomHex(16),
  ) {}

  now() {
    return performance.now() - this.t0;
  }

  /** Milliseconds since t0 at which the latest step so far ended. */
  get lastStepEnd() {
    return this.mark;
  }

  add(kind: StepKind, name: StepName, startMs: number, durationMs: number, outcome: StepOutcome, detail: Record<string, unknown> = {}): void {
    if (this.finished) return;
    if (this.length >= MAX_STEPS * FIELDS) {
      this.dropped++;
      return;
    }
    this.put(kind, name, hundredths(startMs), hundredths(Math.max(0, durationMs)), outcome, detail);
    this.mark = Math.max(this.mark, startMs + durationMs);
  }

  private put(kind: StepKind, name: StepName, start: number, duration: number, outcome: StepOutcome, detail: Record<string, unknown>) {
    const steps = this.steps;
    const at = this.length;
    steps[at] = kind;
    steps[at + 1] = name;
    steps[at + 2] = start;
    steps[at + 3] = duration;
    steps[at + 4] = outcome;
    steps[at + 5] = detail;
    this.length = at + FIELDS;
  }

  /** A step that ran from the end of the previous one until now. */
  since(kind: StepKind, name: StepName, outcome: StepOutcome, detail: Record<string, unknown> = {}) {
    const now = this.now();
    const start = Math.min(this.mark, now);
    return this.add(kind, name, start, now - start, outcome, detail);
  }

  /** Starts a step now; call the result when it ends. */
  begin(kind: StepKind, name: StepName) {
    const start = this.now();
    return (outcome: StepOutcome, detail: Record<string, unknown> = {}, finalName: StepName = name) => this.add(kind, finalName, start, this.now() - start, outcome, detail);
  }

  /**
   * The request is over. What is kept is a small object of its own: the recorder (its link, phase
   * and redactor) goes with the request, and the Trace is built when someone first reads it.
   */
  finish(status: number, endMs = this.now()): FinishedTrace {
    this.link.trace = undefined;
    this.phase.db = undefined;
    this.phase.reply = undefined;
    this.phase.route = undefined;
    const end = hundredths(endMs);
    if (this.dropped > 0) this.put('handler', `${this.dropped} more steps were not recorded`, end, 0, 'ok', { dropped: this.dropped });
    // What is kept is exactly as long as its steps (a copy, when the room for eight was not filled).
    const steps = this.length === this.steps.length ? this.steps : this.steps.slice(0, this.length);
    this.finished = true;
    return new FinishedRequest(this.id, this.traceId, this.method, this.path, status, end, this.startedAt, steps);
  }
}

/**
 * Details are written with every field they may have, absent ones undefined: an object that gains
 * a field after it is made grows a second array for it.
 */
function withoutUndefined(detail: Record<string, unknown>) {
  for (const key in detail) if (detail[key] === undefined) delete detail[key];
  return detail;
}

class FinishedRequest implements FinishedTrace {
  private built: Trace | undefined;
  constructor(
    readonly id: string,
    private readonly traceId: string,
    private readonly method: string,
    private readonly path: string,
    private readonly status: number,
    private readonly duration: number,
    private readonly startedAt: number,
    private steps: unknown[],
  ) {}

  /** Worked out rather than kept: a time in epoch milliseconds is a heap number of its own. */
  get finishedAt() {
    return this.startedAt + this.duration / 100;
  }

  /** Built once, on first read: most traces are never read. */
  toTrace(): Trace {
    if (this.built) return this.built;
    const steps: TraceStep[] = [];
    const flat = this.steps;
    for (let i = 0; i < flat.length; i += FIELDS) {
      const name = flat[i + 1] as StepName;
      const detail = withoutUndefined(flat[i + 5] as Record<string, unknown>);
      steps.push({
        kind: flat[i] as StepKind,
        name: typeof name === 'function' ? name(detail) : name,
        startMs: (flat[i + 2] as number) / 100,
        durationMs: (flat[i + 3] as number) / 100,
        outcome: flat[i + 4] as StepOutcome,
        detail,
      });
    }
    // Stable: steps reported at the same time keep the order they were reported in.
    steps.sort((a, b) => a.startMs - b.startMs);
    this.steps = [];
    this.built = {
      id: this.id,
      traceId: this.traceId,
      method: this.method,
      path: this.path,
      status: this.status,
      durationMs: this.duration / 100,
      startedAt: new Date(this.startedAt).toISOString(),
      steps,
    };
    return this.built;
  }
}
