import type { Collection, Folder, Item, LabRequest } from '../../scripting/model.ts';
import { resolveRequest } from '../../scripting/resolve.ts';
import { mergeCollectionVariables, mergeEnvironmentValues } from '../state/apply-scopes.ts';
import { findItem } from '../state/collections.ts';
import { type ConsoleLine, logToConsole, type RunnerEntry, type RunView, sessionStore } from '../state/session.ts';
import { activeEnvironment, addHistory, lab, newId } from '../state/store.ts';
import { scopesFor } from './variable-preview.ts';
import { plainRequest, toCurl, toFetch } from './snippets.ts';
import type { FromWorker, Scopes, ToWorker, WorkerItemResult, WorkerRunResult } from './worker-protocol.ts';

/** A script may run this long before it is stopped; network time does not count. */
export const SCRIPT_TIME_LIMIT_MS = 3000;

/** Writes what scripts set back into the lab: globals, the active environment, the collection's variables. */
function applyScopes(scopes: Scopes, collectionId?: string) {
  lab.set((s) => {
    const env = activeEnvironment(s);
    const environments = env ? s.environments.map((e) => (e.id === env.id ? { ...e, values: mergeEnvironmentValues(e.values, scopes.environment) } : e)) : s.environments;
    const collections = s.collections.map((c) => (c.id === collectionId ? { ...c, variables: mergeCollectionVariables(c.variables, scopes.collection) } : c));
    return { ...s, globals: scopes.globals, environments, collections };
  });
}

/** Scripts save tokens with pm.environment.set; with no environment chosen, the first one is used. */
function ensureActiveEnvironment() {
  const s = lab.get();
  if (activeEnvironment(s)) return;
  const env = s.environments[0] ?? { id: newId(), name: 'Local lab', values: [] };
  lab.set((state) => ({ ...state, environments: state.environments.length ? state.environments : [env], activeEnvironmentId: env.id }));
}

type ProgressItem = Extract<FromWorker, { type: 'progress' }>['item'];
type RunPartial = Extract<FromWorker, { type: 'progress' }>['partial'];

interface Job {
  resolve: (result: WorkerRunResult & { item?: ProgressItem }) => void;
  phase: 'script' | 'network';
  since: number;
  /** The script running now, as the time-limit message names it. */
  script: string;
  /** What the run had produced when last heard from: kept if the worker has to be ended. */
  item?: ProgressItem;
  partial?: RunPartial;
  onItem?: (result: WorkerItemResult) => void;
}

let worker: Worker | undefined;
const pending = new Map<string, Job>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./script-worker.ts', import.meta.url), { type: 'module', name: 'lab scripts' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorkerMessage(event.data);
  return worker;
}

function onWorkerMessage(message: FromWorker) {
  if (message.type === 'console') return logToConsole(message.line);
  if (message.type === 'sent') return addHistory(message.entry);
  const job = pending.get(message.id);
  if (!job) return;
  switch (message.type) {
    case 'phase':
      job.phase = message.phase;
      job.since = performance.now();
      if (message.script) job.script = message.script;
      return;
    case 'progress': {
      // Within one request the response, once in, stays; a collection run's next request starts afresh.
      const before = job.item?.id === message.item.id ? job.partial : undefined;
      const { request, response, tests } = message.partial;
      job.partial = response ? { request, response, tests: before?.tests ?? [] } : { request: before?.request, response: before?.response, tests };
      job.item = message.item;
      return;
    }
    case 'item-result':
      job.partial = undefined;
      job.item = undefined;
      job.onItem?.(message.result);
      return;
    case 'result':
      pending.delete(message.id);
      job.resolve(message.result);
  }
}

const stoppedMessage = (script: string) =>
  script === 'client script'
    ? `Stopped: the client script ran for more than ${SCRIPT_TIME_LIMIT_MS / 1000} s. Is there an endless loop (while (true) …, a for loop whose condition never ends)? Fix it and run it again.`
    : `Stopped: the ${script} ran for more than ${SCRIPT_TIME_LIMIT_MS / 1000} s. Is there an endless loop (while (true) …, a for loop whose condition never ends)? Fix it and send again.`;

/** Endless loops are stopped by ending the worker: a script cannot be interrupted any other way. */
setInterval(() => {
  const now = performance.now();
  for (const [id, job] of pending) {
    if (job.phase === 'script' && now - job.since > SCRIPT_TIME_LIMIT_MS) {
      worker?.terminate();
      worker = undefined;
      for (const [otherId, other] of pending) {
        pending.delete(otherId);
        other.resolve({
          // What came before the stuck script (a response, earlier tests) is still worth showing.
          request: other.partial?.request,
          response: other.partial?.response,
          tests: other.partial?.tests ?? [],
          item: other.item,
          stopped: true,
          error: otherId === id ? stoppedMessage(job.script) : 'Stopped together with another script that ran too long.',
        });
      }
      return;
    }
  }
}, 200);

function startJob(message: ToWorker, job: Pick<Job, 'script' | 'onItem'>): Promise<WorkerRunResult & { item?: ProgressItem }> {
  return new Promise((resolve) => {
    pending.set(message.id, { resolve, phase: 'script', since: performance.now(), ...job });
    getWorker().postMessage(message);
  });
}

export function runClientScript(code: string): Promise<WorkerRunResult> {
  return startJob({ type: 'client-script', id: newId(), code, baseUrl: location.origin }, { script: 'client script' });
}

interface RunTarget {
  item: Item & { kind: 'request' };
  collection?: Collection;
  folders: Folder[];
}

function recordHistory(source: 'client' | 'runner', result: WorkerRunResult, item: { method: string; url: string }, request?: LabRequest) {
  const r = result.request;
  addHistory({
    source,
    method: r?.method ?? item.method,
    url: r?.url ?? item.url,
    status: result.response?.code,
    timeMs: result.response ? Math.round(result.response.responseTime) : undefined,
    error: result.response ? undefined : (result.error ?? 'not sent'),
    request,
  });
}

function toView(result: WorkerRunResult): RunView {
  const r = result.request;
  const response = result.response;
  return {
    request: r,
    response: response && { code: response.code, status: response.status, headers: response.headers, body: response.body, timeMs: response.responseTime, size: response.size },
    tests: result.tests,
    exchanges: result.exchanges,
    error: result.error,
    stopped: result.stopped,
  };
}

/** Send: pre-request scripts, the request, test scripts — all in the worker, with a time limit on scripts. */
export async function sendOpenRequest() {
  if (sessionStore.get().running) return;
  ensureActiveEnvironment();
  const state = lab.get();
  const { collectionId, ...request } = state.request;
  const collection = state.collections.find((c) => c.id === collectionId);
  const folders = collection ? (findItem(collection.items, request.id)?.parents ?? []) : [];
  const target: RunTarget = { item: { kind: 'request', ...request }, collection, folders };
  sessionStore.set({ running: true });
  try {
    const result = await startJob(
      { type: 'run', id: newId(), item: target.item, collection, folders, scopes: scopesFor(state, collection), baseUrl: location.origin, environmentName: activeEnvironment(state)?.name },
      { script: 'pre-request script' },
    );
    if (result.scopes) applyScopes(result.scopes, collection?.id);
    recordHistory('client', result, request, { ...request });
    sessionStore.set({ running: false, run: toView(result) });
  } catch (error) {
    sessionStore.set({ running: false, run: { tests: [], error: (error as Error).message } });
  }
}

let runnerJob: string | undefined;

const runnerEntry = (result: WorkerRunResult, item: ProgressItem, url: string): RunnerEntry => ({
  name: item.name,
  method: item.method,
  url: result.request?.url ?? url,
  status: result.response?.code,
  tests: result.tests,
  error: result.error,
  ...(result.stopped ? { stopped: true } : {}),
});

/**
 * The runner: every request of a collection (or one folder) in order, through the shared
 * runCollection inside the worker. Variables are written back after each request, so what a
 * script saved is kept even if a later one has to be stopped.
 */
export async function runCollectionInLab(collectionId: string, folderId?: string) {
  if (runnerJob) return;
  ensureActiveEnvironment();
  const state = lab.get();
  const collection = state.collections.find((c) => c.id === collectionId);
  if (!collection) return;
  const start = folderId ? findItem(collection.items, folderId) : undefined;
  const name = start ? start.item.name : collection.name;
  const itemOf = (itemId: string) => {
    const found = findItem(collection.items, itemId)?.item;
    return found?.kind === 'request' ? found : undefined;
  };
  const urlOf = (itemId: string) => itemOf(itemId)?.url ?? '';
  const append = (entry: RunnerEntry) => sessionStore.set((s) => ({ runner: s.runner && { ...s.runner, results: [...s.runner.results, entry] } }));
  sessionStore.set({ runner: { name, running: true, results: [] } });
  const id = newId();
  runnerJob = id;
  const scopes = scopesFor(state, collection);
  try {
    const final = await startJob(
      { type: 'run-collection', id, collection, folderId, environment: scopes.environment, globals: scopes.globals, baseUrl: location.origin, environmentName: activeEnvironment(state)?.name },
      {
        script: 'pre-request script',
        onItem: (result) => {
          if (result.scopes) applyScopes(result.scopes, collectionId);
          recordHistory('runner', result, { method: result.item.method, url: urlOf(result.item.id) }, itemOf(result.item.id));
          append(runnerEntry(result, result.item, urlOf(result.item.id)));
        },
      },
    );
    // The request whose script was stopped, with what it had got to.
    if (final.item) append(runnerEntry(final, final.item, urlOf(final.item.id)));
    else if (final.error) append({ name, method: '', url: '', tests: [], error: final.error });
    sessionStore.set((s) => ({ runner: s.runner && { ...s.runner, running: false, stopping: false, stopped: Boolean(final.stopped) } }));
  } finally {
    runnerJob = undefined;
  }
}

/** Stop: the worker ends the run before its next request and gives up the one in flight. */
export function stopCollectionRun() {
  if (!runnerJob || !worker) return;
  worker.postMessage({ type: 'stop', id: runnerJob } satisfies ToWorker);
  sessionStore.set((s) => ({ runner: s.runner && { ...s.runner, stopping: true } }));
}

/** The open request as Send would send it before its scripts run: resolved by the same pipeline. */
export async function copySnippet(kind: 'curl' | 'fetch'): Promise<string> {
  const state = lab.get();
  const { collectionId, ...request } = state.request;
  const collection = state.collections.find((c) => c.id === collectionId);
  const resolved = resolveRequest(request, scopesFor(state, collection), location.origin);
  const text = (kind === 'curl' ? toCurl : toFetch)(plainRequest(resolved));
  try {
    await navigator.clipboard.writeText(text);
    return `Copied as ${kind}.`;
  } catch {
    return `Could not reach the clipboard; here it is:\n${text}`;
  }
}

export type { ConsoleLine };
