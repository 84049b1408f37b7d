import { type OriginTestResult, type RequestRunResult, type RunProgress, runRequest, type ScriptOrigin, type ScriptRequest, type ScriptResponse, sendHttp } from '../../scripting/index.ts';
import type { TestOutcome } from '../state/session.ts';
import type { Exchange, FromWorker, ToWorker, WorkerRunResult } from './worker-protocol.ts';

/** A request that never answers is given up after this long. */
const NETWORK_TIMEOUT_MS = 30_000;

function bodyText({ body }: ScriptRequest): string | undefined {
  if ('raw' in body) return body.raw;
  if (body.mode === 'urlencoded') return new URLSearchParams(body.fields.filter((f) => f.enabled).map((f) => [f.key, f.value])).toString();
  // multipart has no one-line text form; its parts, one a line, say what was sent
  if (body.mode === 'formdata') return body.fields.filter((f) => f.enabled).map((f) => `${f.key}: ${f.value}`).join('\n');
  return undefined;
}

const originLabel = (origin: ScriptOrigin) => (origin.kind === 'request' ? (origin.event === 'test' ? 'Tests' : 'Pre-request script') : `${origin.kind} ${origin.name}`);

/** How a stopped script is named to the learner: "test script", "pre-request script of folder "Auth"". */
export function scriptName(origin: ScriptOrigin): string {
  const which = origin.event === 'test' ? 'test script' : 'pre-request script';
  return origin.kind === 'request' ? which : `${which} of ${origin.kind} "${origin.name}"`;
}

type Post = (message: FromWorker) => void;

interface SendEntry {
  request: ScriptRequest;
  response?: ScriptResponse;
  error?: string;
}

/**
 * The pipeline's send, reporting network time as its own phase (the page's time limit counts
 * script time only) and keeping every exchange for the history and the Journey tab.
 */
export function trackedSend(id: string, post: Post, stop?: AbortSignal) {
  let sends: SendEntry[] = [];
  const send = async (request: ScriptRequest) => {
    const entry: SendEntry = { request };
    sends.push(entry);
    if (stop?.aborted) {
      entry.error = 'Stopped by the learner';
      throw new Error(entry.error);
    }
    post({ type: 'phase', id, phase: 'network' });
    try {
      const timeout = AbortSignal.timeout(NETWORK_TIMEOUT_MS);
      entry.response = await sendHttp(request, { signal: stop ? AbortSignal.any([timeout, stop]) : timeout });
      return entry.response;
    } catch (error) {
      const name = (error as Error).name;
      entry.error = stop?.aborted ? 'Stopped by the learner' : name === 'TimeoutError' ? `No answer within ${NETWORK_TIMEOUT_MS / 1000} s` : (error as Error).message;
      throw new Error(entry.error);
    } finally {
      post({ type: 'phase', id, phase: 'script' });
    }
  };
  /** The exchanges since the last call: one request's, when called after each request. */
  const take = () => {
    const taken = sends;
    sends = [];
    return taken;
  };
  return { send, take };
}

export const testOutcomes = (tests: OriginTestResult[]): TestOutcome[] =>
  tests.map((t) => ({ name: t.name, passed: t.passed, ...(t.skipped ? { skipped: true } : {}), origin: t.origin.kind === 'request' ? undefined : originLabel(t.origin), error: t.error }));

const requestView = (request: ScriptRequest) => ({ method: request.method, url: request.url, headers: request.headers, body: bodyText(request) });

/** Phases name the running script; the response and finished tests go to the page as soon as they exist. */
export function progressReporter(id: string, post: Post) {
  return (progress: RunProgress) => {
    if (progress.kind === 'script') {
      post({ type: 'phase', id, phase: 'script', script: scriptName(progress.origin) });
      post({ type: 'progress', id, item: progress.item, partial: { tests: testOutcomes(progress.tests) } });
    } else {
      post({ type: 'progress', id, item: progress.item, partial: { request: requestView(progress.request), response: progress.response, tests: [] } });
    }
  };
}

export const consoleReporter = (id: string, post: Post) => (line: { level: 'log' | 'info' | 'warn' | 'error'; text: string; origin: ScriptOrigin }) =>
  post({ type: 'console', id, line: { level: line.level, text: line.text, source: originLabel(line.origin) } });

/** A finished request in the page's terms; requests its scripts sent go to the history. */
export function workerResult(id: string, post: Post, result: RequestRunResult, sends: SendEntry[]): WorkerRunResult {
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
  const errors = result.errors.map((e) => (e.origin ? `${originLabel(e.origin)}${e.line ? `, line ${e.line}` : ''}: ${e.name}: ${e.message}` : e.message));
  return {
    request: requestView(result.request),
    response: result.response,
    tests: testOutcomes(result.tests),
    exchanges,
    scopes: result.scopes,
    error: errors.length ? errors.join('\n') : undefined,
  };
}

/** One request through the shared pipeline, inside the worker. */
export async function runLabRequest(message: Extract<ToWorker, { type: 'run' }>, post: Post): Promise<WorkerRunResult> {
  const { id } = message;
  const { send, take } = trackedSend(id, post);
  const result = await runRequest(message.item, {
    collection: message.collection,
    folders: message.folders,
    scopes: message.scopes,
    baseUrl: message.baseUrl,
    environmentName: message.environmentName,
    send,
    console: consoleReporter(id, post),
    onProgress: progressReporter(id, post),
  });
  return workerResult(id, post, result, take());
}
