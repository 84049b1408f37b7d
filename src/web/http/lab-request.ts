import { runRequest, type ScriptRequest, type ScriptResponse, sendHttp } from '../../scripting/index.ts';
import type { TestOutcome } from '../state/session.ts';
import type { Exchange, FromWorker, ToWorker, WorkerRunResult } from './worker-protocol.ts';

/** A request that never answers is given up after this long. */
const NETWORK_TIMEOUT_MS = 30_000;

const bodyText = (request: ScriptRequest) => ('raw' in request.body ? request.body.raw : request.body.mode === 'urlencoded' ? new URLSearchParams(request.body.fields.filter((f) => f.enabled).map((f) => [f.key, f.value])).toString() : undefined);

const originLabel = (origin: { kind: string; name: string; event: string }) => (origin.kind === 'request' ? (origin.event === 'test' ? 'Tests' : 'Pre-request script') : `${origin.kind} ${origin.name}`);

/**
 * One request through the shared pipeline, inside the worker. Network time is reported as its own
 * phase, so the page's time limit counts script time only.
 */
export async function runLabRequest(message: Extract<ToWorker, { type: 'run' }>, post: (m: FromWorker) => void): Promise<WorkerRunResult> {
  const { id } = message;
  const sends: { request: ScriptRequest; response?: ScriptResponse; error?: string }[] = [];
  const send = async (request: ScriptRequest) => {
    const entry: (typeof sends)[number] = { request };
    sends.push(entry);
    post({ type: 'phase', id, phase: 'network' });
    try {
      entry.response = await sendHttp(request, { signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
      return entry.response;
    } catch (error) {
      entry.error = (error as Error).name === 'TimeoutError' ? `No answer within ${NETWORK_TIMEOUT_MS / 1000} s` : (error as Error).message;
      throw new Error(entry.error);
    } finally {
      post({ type: 'phase', id, phase: 'script' });
    }
  };

  const result = await runRequest(message.item, {
    collection: message.collection,
    folders: message.folders,
    scopes: message.scopes,
    baseUrl: message.baseUrl,
    send,
    console: (line) => post({ type: 'console', id, line: { level: line.level, text: line.text, source: originLabel(line.origin) } }),
  });

  // pm.sendRequest calls go to the history too; the main request is recorded by the page.
  for (const entry of sends) {
    if (entry.request === result.request) continue;
    post({ type: 'sent', id, entry: { source: 'script', method: entry.request.method, url: entry.request.url, status: entry.response?.code, timeMs: entry.response?.responseTime, error: entry.error } });
  }

  const exchanges: Exchange[] = sends.map((entry) => ({
    main: entry.request === result.request,
    method: entry.request.method,
    url: entry.request.url,
    status: entry.response?.code,
    traceId: entry.response?.headers.find((h) => h.key.toLowerCase() === 'x-trace-id')?.value,
    error: entry.error,
  }));

  const tests: TestOutcome[] = result.tests.map((t) => ({ name: t.name, passed: t.passed, origin: t.origin.kind === 'request' ? undefined : originLabel(t.origin), error: t.error }));
  const errors = result.errors.map((e) => (e.origin ? `${originLabel(e.origin)}${e.line ? `, line ${e.line}` : ''}: ${e.name}: ${e.message}` : e.message));
  return {
    request: { method: result.request.method, url: result.request.url, headers: result.request.headers, body: bodyText(result.request) },
    response: result.response,
    tests,
    exchanges,
    scopes: result.scopes,
    error: errors.length ? errors.join('\n') : undefined,
  };
}
