import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { traceContext } from '../trace/context.ts';
import { TraceRecorder } from '../trace/recorder.ts';
import { replies } from '../trace/steps.ts';
import { MemoryTraceStore, RedisTraceStore, type TraceStore } from '../trace/store.ts';
import { continueTrace, formatTraceparent } from '../trace/traceparent.ts';

declare module 'fastify' {
  interface FastifyInstance {
    traces: TraceStore;
  }
  interface FastifyRequest {
    /** The journey being recorded (undefined when tracing is off or the path is not traced). */
    trace: TraceRecorder | undefined;
  }
}

interface Options {
  enabled: boolean;
  max: number;
  ttlMs: number;
  redis: Redis | undefined;
  redisPrefix: string;
}

/** Where each phase began, to time the steps that end in a later hook. */
interface Marks {
  parse?: number;
  validate?: number;
  endHandler?: (outcome: 'ok' | 'denied' | 'error', detail?: Record<string, unknown>) => unknown;
  sent?: number;
  bytes?: number;
}
const marks = new WeakMap<TraceRecorder, Marks>();

/** Reading a trace is not itself traced, nor is the lab page or its assets. */
const isTraced = (path: string) => (path.startsWith('/api/') || path.startsWith('/sandbox/')) && !path.startsWith('/api/traces');

const hasBody = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

function payloadBytes(payload: unknown) {
  if (typeof payload === 'string') return Buffer.byteLength(payload);
  if (Buffer.isBuffer(payload)) return payload.length;
  return undefined;
}

/**
 * Records every /api and /sandbox request's journey on Fastify's own hooks: receive (onRequest),
 * parse (preParsing → preValidation), validate (→ preHandler), handler (→ onSend), response
 * (→ onResponse). Rate limits, auth, authorization, SQL and errors add their steps as they happen.
 */
async function tracingPlugin(app: FastifyInstance, options: Options) {
  const limits = { max: options.max, ttlMs: options.ttlMs };
  const store: TraceStore = options.redis ? new RedisTraceStore(options.redis, options.redisPrefix, limits, app.log) : new MemoryTraceStore(limits);
  app.decorate('traces', store);
  app.addHook('onClose', async () => store.close());
  app.decorateRequest('trace', undefined);
  if (!options.enabled) return;

  app.addHook('onRequest', (request, reply, done) => {
    const [path = '/', query = ''] = request.url.split(/\?(.*)/s);
    if (!isTraced(path)) return done();
    const parent = continueTrace(request.headers.traceparent);
    const trace = new TraceRecorder(parent.traceId, request.method, path);
    request.trace = trace;
    replies.set(request, reply);
    marks.set(trace, {});
    reply.header('x-trace-id', trace.id);
    reply.header('traceparent', formatTraceparent(parent, trace.id.slice(0, 16)));
    trace.add('receive', `${request.method} ${path}`, 0, 0, 'ok', {
      method: request.method,
      path,
      ...(query ? { query: trace.redactor.query(query) } : {}),
      headers: trace.redactor.headers(request.headers),
      bodyBytes: Number(request.headers['content-length'] ?? 0),
      ...(parent.parentId ? { parentSpan: parent.parentId } : {}),
    });
    traceContext.run(trace, done);
  });

  app.addHook('preParsing', async (request) => {
    const trace = request.trace;
    if (trace) marks.get(trace)!.parse = trace.now();
  });

  app.addHook('preValidation', async (request) => {
    const trace = request.trace;
    if (!trace) return;
    const m = marks.get(trace)!;
    if (hasBody(request) && m.parse !== undefined) {
      const type = String(request.headers['content-type'] ?? 'none').split(';')[0];
      trace.add('parse', `${type} body, ${Number(request.headers['content-length'] ?? 0)} bytes`, m.parse, trace.now() - m.parse, 'ok', {
        contentType: type,
        bytes: Number(request.headers['content-length'] ?? 0),
      });
      if (request.body && typeof request.body === 'object') trace.redactor.learnFrom(request.body);
    }
    m.validate = trace.now();
  });

  app.addHook('preHandler', (request, _reply, done) => {
    const trace = request.trace;
    if (!trace) return done();
    const m = marks.get(trace)!;
    const schema = request.routeOptions.schema;
    if (schema && (schema.body || schema.querystring || schema.params || schema.headers) && m.validate !== undefined) {
      const parts = (['params', 'querystring', 'headers', 'body'] as const).filter((k) => schema[k]);
      trace.add('validate', `${parts.join(', ')} checked against the route's schema`, m.validate, trace.now() - m.validate, 'allowed', { checked: parts });
    }
    m.endHandler = trace.begin('handler', `${request.method} ${request.routeOptions.url ?? request.url}`);
    // Body parsing may have left the request's async context: enter it again for the handler.
    traceContext.run(trace, done);
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const trace = request.trace;
    if (!trace) return payload;
    const m = marks.get(trace)!;
    if (m.endHandler) {
      const status = reply.statusCode;
      const outcome = status >= 500 ? 'error' : status >= 400 ? 'denied' : 'ok';
      const detail: Record<string, unknown> = { route: request.routeOptions.url ?? null, status };
      if (status >= 400 && trace.problem) detail.explanation = `${status}: ${trace.problem.detail}`;
      m.endHandler(outcome, detail);
      m.endHandler = undefined;
    }
    m.sent = trace.now();
    m.bytes = payloadBytes(payload);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const trace = request.trace;
    if (!trace) return;
    const m = marks.get(trace)!;
    const status = reply.statusCode;
    const sent = m.sent ?? trace.now();
    const bytes = m.bytes ?? Number(reply.getHeader('content-length') ?? 0);
    const detail: Record<string, unknown> = { status, bytes, contentType: String(reply.getHeader('content-type') ?? '').split(';')[0] };
    if (status >= 400 && trace.problem) detail.explanation = `${status}: ${trace.problem.detail}`;
    trace.add('response', `${status} ${bytes} bytes`, sent, trace.now() - sent, status >= 500 ? 'error' : 'ok', detail);
    store.save(trace.finish(status));
  });
}

export const tracing = fp(tracingPlugin, { name: 'tracing' });
