/**
 * What recording one journey costs, away from HTTP: the steps of a GET /api/courses (receive,
 * rate limit, validate, handler, two statements, response) kept in a bounded store, once with our
 * recorder and once as OpenTelemetry spans (the SDK's batch processor into a bounded exporter).
 * This is the measurement behind recording journeys ourselves rather than with OTel.
 */
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TraceRecorder } from '../src/server/trace/recorder.ts';
import { oneLine } from '../src/server/trace/sql.ts';
import { MemoryTraceStore } from '../src/server/trace/store.ts';

const KEEP = 2000;
const HEADERS = { host: '127.0.0.1:3000', 'user-agent': 'autocannon', connection: 'keep-alive', authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln' };
const PAGE = 'select * from "courses" where "status" = ? order by "created_at" desc, "id" desc limit ? offset ?';
const COUNT = 'select count(*) as "total" from "courses" where "status" = ?';

const store = new MemoryTraceStore({ max: KEEP, ttlMs: 900_000 });
function ourJourney() {
  const t = new TraceRecorder('0af7651916cd43dd8448eb211c80319c', 'GET', '/api/courses');
  t.add('receive', 'GET /api/courses', 0, 0, 'ok', { method: 'GET', path: '/api/courses', query: t.redactor.query('limit=20'), headers: t.redactor.headers(HEADERS), bodyBytes: 0 });
  t.since('rate-limit', '600 requests per minute: 599 left', 'allowed', { bucket: 'global', client: '127.0.0.1', limit: 600, remaining: 599, resetSeconds: 60 });
  t.since('validate', "querystring checked against the route's schema", 'allowed', { checked: ['querystring'] });
  const end = t.begin('handler', 'GET /api/courses/');
  for (const [sql, params, rows] of [[PAGE, ['published', 20, 0], 20], [COUNT, ['published'], 1]] as const) {
    const start = t.now();
    t.add('sql', oneLine(sql), start, t.now() - start, 'ok', { sql: t.redactor.keep(sql, 4000), params: t.redactor.sqlParams(sql, params), rows });
  }
  end('ok', { route: '/api/courses/', status: 200 });
  t.since('response', '200 4012 bytes', 'ok', { status: 200, bytes: 4012, contentType: 'application/json' });
  store.save(t.finish(200));
}

/** Keeps the newest spans, as our store keeps the newest traces. */
class BoundedExporter implements SpanExporter {
  private spans: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void) {
    this.spans.push(...spans);
    if (this.spans.length > KEEP * 8) this.spans = this.spans.slice(-KEEP * 8);
    done({ code: 0 });
  }
  async shutdown() {}
}
const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new BoundedExporter(), { maxQueueSize: 20_000, scheduledDelayMillis: 50 })] });
const tracer = provider.getTracer('backend-lab');
function otelJourney() {
  const root = tracer.startSpan('GET /api/courses', {
    attributes: { 'http.request.method': 'GET', 'url.path': '/api/courses', 'url.query': 'limit=20', 'user_agent.original': 'autocannon', 'http.request.header.authorization': 'Bearer [redacted]', 'http.request.body.size': 0 },
  });
  const parent = trace.setSpan(context.active(), root);
  const step = (name: string, attributes: Record<string, string | number | string[]>) => tracer.startSpan(name, { attributes }, parent).end();
  step('rate-limit', { bucket: 'global', client: '127.0.0.1', limit: 600, remaining: 599, resetSeconds: 60 });
  step('validate', { checked: ['querystring'] });
  const handler = tracer.startSpan('handler GET /api/courses/', {}, parent);
  step('sql', { 'db.query.text': PAGE, 'db.query.parameters': ['published', '20', '0'], rows: 20 });
  step('sql', { 'db.query.text': COUNT, 'db.query.parameters': ['published'], rows: 1 });
  handler.setAttributes({ 'http.route': '/api/courses/', 'http.response.status_code': 200 });
  handler.end();
  step('response', { 'http.response.status_code': 200, 'http.response.body.size': 4012 });
  root.end();
}

async function perJourney(journey: () => void) {
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      journey();
      // Let the batch processor's timer run, as it would between requests.
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
  };
  await run(50_000);
  const n = 200_000;
  const start = performance.now();
  await run(n);
  return ((performance.now() - start) * 1000) / n;
}

export async function benchJourneyCost() {
  const ours = await perJourney(ourJourney);
  const otel = await perJourney(otelJourney);
  await provider.shutdown();
  return { ours, otel };
}

export function printJourneyCost(r: { ours: number; otel: number }) {
  console.log('\none GET /api/courses journey recorded, no HTTP (2,000 kept)     µs each');
  console.log(`  our recorder (steps redacted as they are added)              ${r.ours.toFixed(1).padStart(6)}`);
  console.log(`  OpenTelemetry SDK spans, batch processor (nothing redacted)  ${r.otel.toFixed(1).padStart(6)}   ${(r.otel / r.ours).toFixed(1)}× ours`);
}

if (import.meta.url === `file://${process.argv[1]}`) printJourneyCost(await benchJourneyCost());
