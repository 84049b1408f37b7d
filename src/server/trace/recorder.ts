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

interface RecordedStep {
  kind: StepKind;
  name: StepName;
  start: number;
  duration: number;
  outcome: StepOutcome;
  detail: Record<string, unknown>;
}

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
  readonly id = randomHex(16);
  readonly startedAt = Date.now();
  private readonly t0 = performance.now();
  /** Epoch milliseconds of t0, to place steps timed in another thread (the sandbox workers). */
  readonly epoch0 = performance.timeOrigin + this.t0;
  private readonly steps: RecordedStep[] = [];
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
   * callback only gets the request). Fields rather than WeakMaps: ephemerons cost the GC.
   */
  readonly phase: {
    validate?: number;
    endHandler?: ((outcome: StepOutcome, detail?: Record<string, unknown>) => unknown) | undefined;
    sent?: number;
    bytes?: number | undefined;
    reply?: { getHeader(name: string): unknown };
    /** request.routeOptions, read once: Fastify builds a new object on each read. */
    route?: { url?: string | undefined; schema?: FastifySchema | undefined; config?: unknown };
    /** The request's Kysely, made on first use. */
    db?: unknown;
  } = {};

  constructor(
    readonly traceId: string,
    readonly method: string,
    readonly path: string,
  ) {}

  now() {
    return performance.now() - this.t0;
  }

  /** Milliseconds since t0 at which the latest step so far ended. */
  get lastStepEnd() {
    return this.mark;
  }

  add(kind: StepKind, name: StepName, startMs: number, durationMs: number, outcome: StepOutcome, detail: Record<string, unknown> = {}): void {
    if (this.steps.length >= MAX_STEPS) {
      this.dropped++;
      return;
    }
    this.steps.push({ kind, name, start: hundredths(startMs), duration: hundredths(Math.max(0, durationMs)), outcome, detail });
    this.mark = Math.max(this.mark, startMs + durationMs);
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
    this.phase.endHandler = undefined;
    const end = hundredths(endMs);
    if (this.dropped > 0) this.steps.push({ kind: 'handler', name: `${this.dropped} more steps were not recorded`, start: end, duration: 0, outcome: 'ok', detail: { dropped: this.dropped } });
    return new FinishedRequest(this.id, this.traceId, this.method, this.path, status, end, this.startedAt + endMs, this.startedAt, this.steps);
  }
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
    readonly finishedAt: number,
    private readonly startedAt: number,
    private steps: RecordedStep[],
  ) {}

  /** Built once, on first read: most traces are never read. */
  toTrace(): Trace {
    if (this.built) return this.built;
    const steps: TraceStep[] = this.steps
      .sort((a, b) => a.start - b.start)
      .map((s) => ({ kind: s.kind, name: typeof s.name === 'function' ? s.name(s.detail) : s.name, startMs: s.start / 100, durationMs: s.duration / 100, outcome: s.outcome, detail: s.detail }));
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
