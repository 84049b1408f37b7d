import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import { MemoryTraceStore, RedisTraceStore, type TraceStore } from '../trace/store.ts';
import { oneCopy } from '../trace/one-copy.ts';
import { withoutSecretShapes } from '../trace/redact.ts';
import { continueTrace } from '../trace/traceparent.ts';

declare module 'fastify' {
  interface FastifyInstance {
    traces: TraceStore;
  }
  interface FastifyRequest {
    /** The journey being recorded (undefined when tracing is off or the path is not traced). */
    trace: TraceRecorder | undefined;
    /** The database for this request: its statements become steps of its trace. */
    readonly db: Kysely<Database>;
  }
}

interface Options {
  enabled: boolean;
  max: number;
  ttlMs: number;
  redis: Redis | undefined;
  redisPrefix: string;
}

/** Reading a trace is not itself traced, nor is the lab page or its assets. */
const isTraced = (path: string) => (path.startsWith('/api/') || path.startsWith('/sandbox/')) && !path.startsWith('/api/traces');

const hasBody = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

const mediaTypes = new Map<string, string>();

/** The media type of a Content-Type, one copy of each (responses send a few types over and over). */
function mediaType(header: unknown) {
  const type = String(header ?? '');
  let known = mediaTypes.get(type);
  if (known === undefined) {
    const semicolon = type.indexOf(';');
    known = semicolon === -1 ? type : type.slice(0, semicolon);
    if (mediaTypes.size >= 100) mediaTypes.clear();
    mediaTypes.set(type, known);
  }
  return known;
}

const LAST_HEADERS = Symbol('headers of the last traced request on this connection');
type Connection = { [LAST_HEADERS]?: { sent: FastifyRequest['headers']; kept: Record<string, string> } };

/**
 * The receive step's headers, redacted. A client sends the same headers on every request of a
 * keep-alive connection: those requests' traces share one redacted copy instead of keeping one
 * each. (A new redactor knows no secrets yet, so the copy depends on the headers alone.)
 */
function keptHeaders(request: FastifyRequest, trace: TraceRecorder) {
  const connection = request.raw.socket as (typeof request.raw.socket & Connection) | null;
  const last = connection?.[LAST_HEADERS];
  const sent = request.headers;
  if (last && sameHeaders(last.sent, sent)) return last.kept;
  const kept = Object.freeze(trace.redactor.headers(sent));
  if (connection) connection[LAST_HEADERS] = { sent, kept };
  return kept;
}

function sameHeaders(a: FastifyRequest['headers'], b: FastifyRequest['headers']) {
  let count = 0;
  for (const name in b) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const _ in a) count--;
  return count === 0;
}

/** For the handler and response steps of a 4xx/5xx: what the client was told. */
const explanation = (trace: TraceRecorder, status: number) => (status >= 400 && trace.problem ? `${status}: ${trace.problem.detail}` : undefined);

// Step names made when the trace is read (see StepName).
const receiveName = (d: Record<string, unknown>) => `${String(d.method)} ${String(d.path)}`;
const responseName = (d: Record<string, unknown>) => `${String(d.status)} ${String(d.bytes)} bytes`;

/**
 * Records every /api and /sandbox request's journey on Fastify's own hooks: receive (onRequest),
 * parse (→ preValidation), validate (→ the handler, wrapped per route), handler (→ onSend),
 * response (→ onResponse). Rate limits, auth, authorization, SQL and errors add their steps as
 * they happen.
 */
async function tracingPlugin(app: FastifyInstance, options: Options) {
  const limits = { max: options.max, ttlMs: options.ttlMs };
  const store: TraceStore = options.redis ? new RedisTraceStore(options.redis, options.redisPrefix, limits, app.log) : new MemoryTraceStore(limits);
  app.decorate('traces', store);
  app.addHook('onClose', async () => store.close());
  app.decorateRequest('trace', undefined);
  app.decorateRequest('db', {
    getter(this: FastifyRequest) {
      const trace = this.trace;
      if (!trace) return app.db.kysely;
      return (trace.phase.db ??= app.db.forTrace(trace.link)) as Kysely<Database>;
    },
  });
  if (!options.enabled) return;

  app.addHook('onRequest', (request, reply, done) => {
    const url = request.url;
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!isTraced(path)) return done();
    const parent = continueTrace(request.headers.traceparent);
    // A path can carry a secret too (/verify/<token>): it is kept redacted, as everything else.
    const trace = new TraceRecorder(parent.traceId, request.method, oneCopy(withoutSecretShapes(path)), parent.parentId ? undefined : parent.traceId);
    request.trace = trace;
    trace.phase.reply = reply;
    reply.header('x-trace-id', trace.id);
    trace.add('receive', receiveName, 0, 0, 'ok', {
      method: request.method,
      path: trace.path,
      query: q !== -1 && q < url.length - 1 ? trace.redactor.query(url.slice(q + 1)) : undefined,
      headers: keptHeaders(request, trace),
      bodyBytes: Number(request.headers['content-length'] ?? 0),
      parentSpan: parent.parentId,
    });
    done();
  });

  // The parse step runs from the end of the onRequest checks (the last step's end) to validation.
  const recordParse = (request: FastifyRequest, trace: TraceRecorder) => {
    const type = String(request.headers['content-type'] ?? 'none').split(';')[0];
    const bytes = Number(request.headers['content-length'] ?? 0);
    trace.since('parse', `${type} body, ${bytes} bytes`, 'ok', { contentType: type, bytes });
    if (request.body && typeof request.body === 'object') trace.redactor.learnFrom(request.body);
  };

  // Callback hooks: an async hook costs a promise per request even when it has nothing to do.
  const beforeValidation = (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    const trace = request.trace;
    if (!trace) return done();
    if (hasBody(request)) recordParse(request, trace);
    trace.phase.validate = trace.now();
    done();
  };

  /**
   * Per traced route, not for every request: the preValidation hook only where a body can come,
   * and the validate and handler steps from a wrapper around the handler rather than a preHandler
   * hook — each hook phase Fastify runs costs every request of every route.
   */
  app.addHook('onRoute', (route) => {
    if (!isTraced(route.url ?? route.path ?? '')) return;
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((m) => m !== 'GET' && m !== 'HEAD')) route.preValidation = [beforeValidation, ...([] as preValidationHookHandler[]).concat(route.preValidation ?? [])];
    const schema = route.schema;
    const parts = schema ? (['params', 'querystring', 'headers', 'body'] as const).filter((k) => schema[k]) : [];
    const validated = parts.length > 0 ? `${parts.join(', ')} checked against the route's schema` : undefined;
    // The same for every request of the route: one object, not one per kept trace.
    const validatedDetail = Object.freeze({ checked: parts });
    // One name per route, not a new string per request, where the route has one method.
    const handlerName = methods.length === 1 ? `${methods[0]} ${route.url}` : undefined;
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const trace = request.trace;
      if (trace) {
        const m = trace.phase;
        // A body on a GET route: no preValidation hook timed its parsing.
        if (m.validate === undefined && hasBody(request)) recordParse(request, trace);
        if (validated) {
          const start = m.validate ?? trace.lastStepEnd;
          trace.add('validate', validated, start, trace.now() - start, 'allowed', validatedDetail);
        }
        m.handler = trace.now();
        m.handlerName = handlerName ?? `${request.method} ${route.url}`;
      }
      return handler.call(this, request, reply);
    } as typeof handler;
  });

  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const trace = request.trace;
    if (!trace) return done(null, payload);
    const m = trace.phase;
    const now = trace.now();
    if (m.handler !== undefined) {
      const status = reply.statusCode;
      const outcome = status >= 500 ? 'error' : status >= 400 ? 'denied' : 'ok';
      trace.add('handler', m.handlerName!, m.handler, now - m.handler, outcome, { route: (m.route ??= request.routeOptions).url ?? null, status, explanation: explanation(trace, status) });
      m.handler = undefined;
    }
    m.sent = now;
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const trace = request.trace;
    if (!trace) return done();
    const m = trace.phase;
    const status = reply.statusCode;
    const now = trace.now();
    const sent = m.sent ?? now;
    // Fastify has set the length of every string or buffer it sent; counting it again cost a pass over the body.
    const bytes = Number(reply.getHeader('content-length') ?? 0);
    trace.add('response', responseName, sent, now - sent, status >= 500 ? 'error' : 'ok', { status, bytes, contentType: mediaType(reply.getHeader('content-type')), explanation: explanation(trace, status) });
    store.save(trace.finish(status, now));
    done();
  });
}

export const tracing = fp(tracingPlugin, { name: 'tracing' });
