import { randomHex } from './ids.ts';
import type { FastifySchema } from 'fastify';
import { Redactor } from './redact.ts';
import type { StepKind, StepOutcome } from './types.ts';

/** Enough for any lesson; a loop of queries cannot grow a trace without bound. */
const MAX_STEPS = 300;
/**
 * Step times are kept as whole hundredths of a millisecond: small integers live inside the kept
 * trace's array, where a fraction is a heap number of its own.
 */
const hundredths = (ms: number) => Math.round(ms * 100);

/**
 * A step's name, or a module-level function that makes it from the step's detail when the trace is
 * read: a name built on the request path ("600 requests per minute: 599 left") is a chain of
 * concatenated strings, each one more object for the GC to carry while the trace is kept.
 */
export type StepName = string | ((detail: Record<string, unknown>) => string);

/**
 * Steps are recorded as runs of this many values in one flat array (kind, name, start, duration,
 * outcome, detail) rather than an object each, and the store copies them into its own (kept.ts).
 */
export const FIELDS = 6;

/**
 * How a request's queries point at its trace. `finish` cuts it: query ids can outlive the request
 * inside Kysely and the driver, and through them a whole recorder (with the request's Kysely) used
 * to outlive it too — young-generation GCs took three times as long.
 */
export interface TraceLink {
  trace: TraceRecorder | undefined;
}

/** A request whose recording is over: what a trace store copies into its own memory (kept.ts). */
export interface FinishedRecording {
  readonly id: string;
  readonly traceId: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Hundredths of a millisecond. */
  readonly duration: number;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  /** The steps, FIELDS values each; the first `stepValues` are recorded. */
  readonly steps: readonly unknown[];
  readonly stepValues: number;
}

/**
 * The journey of one request while it happens. Steps are appended as the Fastify hooks, the auth
 * plugin, the SQL driver and the sandbox report them; `finish` hands them over to be kept.
 */
export class TraceRecorder implements FinishedRecording {
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  /** Epoch milliseconds of t0, to place steps timed in another thread (the sandbox workers). */
  readonly epoch0 = performance.timeOrigin + this.t0;
  /** Room for eight steps, most requests' share: growing by pushes made two larger copies on the way. */
  readonly steps: unknown[] = new Array(FIELDS * 8);
  private length = 0;
  /** Set by `finish`: a step reported after the response is not part of the kept trace. */
  private finished = false;
  /** Set by `finish`. */
  status = 0;
  duration = 0;
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

  get stepValues() {
    return this.length;
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
   * The request is over: the store copies what it keeps (kept.ts) before the request's objects go.
   * Cut loose first: the recorder's link, phase and redactor go with the request.
   */
  finish(status: number, endMs = this.now()): FinishedRecording {
    this.link.trace = undefined;
    this.phase.db = undefined;
    this.phase.reply = undefined;
    this.phase.route = undefined;
    const end = hundredths(endMs);
    if (this.dropped > 0) this.put('handler', `${this.dropped} more steps were not recorded`, end, 0, 'ok', { dropped: this.dropped });
    this.finished = true;
    this.status = status;
    this.duration = end;
    return this;
  }
}
