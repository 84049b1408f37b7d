import type { Collection, Folder, Item, KeyValue } from '../../scripting/model.ts';
import { findItem } from '../state/collections.ts';
import { type ConsoleLine, logToConsole, type RunView, sessionStore, type TestOutcome } from '../state/session.ts';
import { activeEnvironment, addHistory, lab, newId, type SavedState } from '../state/store.ts';
import { replaceVariables } from '../../scripting/variables.ts';
import { toCurl, toFetch } from './snippets.ts';
import type { FromWorker, Scopes, ToWorker, WorkerRunResult } from './worker-protocol.ts';

/** A script may run this long before it is stopped; network time does not count. */
export const SCRIPT_TIME_LIMIT_MS = 3000;

const record = (entries: KeyValue[]) => Object.fromEntries(entries.filter((v) => v.enabled).map((v) => [v.key, v.value]));

export function scopesFor(state: SavedState, collection?: Collection): Scopes {
  const env = activeEnvironment(state);
  return {
    globals: { ...state.globals },
    collection: collection ? record(collection.variables) : {},
    environment: env ? Object.fromEntries(env.values.filter((v) => v.enabled).map((v) => [v.key, v.current])) : {},
    data: {},
    local: {},
  };
}

export function resolvePreview(state: SavedState, text: string): string {
  const collection = state.collections.find((c) => c.id === state.request.collectionId);
  return replaceVariables(text, scopesFor(state, collection));
}

/** Writes what scripts set back into the lab: globals, the active environment, the collection's variables. */
function applyScopes(scopes: Scopes, collectionId?: string) {
  lab.set((s) => {
    const env = activeEnvironment(s);
    const environments = env
      ? s.environments.map((e) => {
          if (e.id !== env.id) return e;
          const kept = e.values.filter((v) => !v.enabled || v.key in scopes.environment).map((v) => (v.enabled ? { ...v, current: scopes.environment[v.key]! } : v));
          const added = Object.entries(scopes.environment)
            .filter(([key]) => !e.values.some((v) => v.key === key))
            .map(([key, current]) => ({ key, initial: '', current, enabled: true }));
          return { ...e, values: [...kept, ...added] };
        })
      : s.environments;
    const collections = s.collections.map((c) => (c.id === collectionId ? { ...c, variables: Object.entries(scopes.collection).map(([key, value]) => ({ key, value, enabled: true })) } : c));
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

let worker: Worker | undefined;
const pending = new Map<string, { resolve: (r: WorkerRunResult) => void; phase: 'script' | 'network'; sent: boolean; since: number }>();

function getWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./script-worker.ts', import.meta.url), { type: 'module', name: 'lab scripts' });
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorkerMessage(event.data);
  return worker;
}

function onWorkerMessage(message: FromWorker) {
  const job = pending.get(message.id);
  if (message.type === 'console') return logToConsole(message.line);
  if (message.type === 'sent') {
    addHistory(message.entry);
    return;
  }
  if (!job) return;
  if (message.type === 'phase') {
    job.phase = message.phase;
    job.since = performance.now();
    if (message.phase === 'network' && message.main) job.sent = true;
    return;
  }
  pending.delete(message.id);
  job.resolve(message.result);
}

/** Endless loops are stopped by ending the worker: a script cannot be interrupted any other way. */
setInterval(() => {
  const now = performance.now();
  for (const [id, job] of pending) {
    if (job.phase === 'script' && now - job.since > SCRIPT_TIME_LIMIT_MS) {
      worker?.terminate();
      worker = undefined;
      for (const [otherId, other] of pending) {
        pending.delete(otherId);
        const which = other.sent ? 'test script' : 'pre-request script';
        other.resolve({
          tests: [],
          stopped: true,
          error:
            otherId === id
              ? `Stopped: the ${which} ran for more than ${SCRIPT_TIME_LIMIT_MS / 1000} s. Is there an endless loop (while (true) …, a for loop whose condition never ends)? Fix it and send again.`
              : 'Stopped together with another script that ran too long.',
        });
      }
      return;
    }
  }
}, 200);

function runInWorker(message: Omit<Extract<ToWorker, { type: 'run' }>, 'id' | 'type'>): Promise<WorkerRunResult> {
  const id = newId();
  return new Promise((resolve) => {
    pending.set(id, { resolve, phase: 'script', sent: false, since: performance.now() });
    getWorker().postMessage({ type: 'run', id, ...message } satisfies ToWorker);
  });
}

export function runClientScript(code: string): Promise<WorkerRunResult> {
  const id = newId();
  return new Promise((resolve) => {
    pending.set(id, { resolve, phase: 'script', sent: false, since: performance.now() });
    getWorker().postMessage({ type: 'client-script', id, code, baseUrl: location.origin } satisfies ToWorker);
  });
}

interface RunTarget {
  item: Item & { kind: 'request' };
  collection?: Collection;
  folders: Folder[];
}

async function runOne(target: RunTarget, source: 'client' | 'runner', scopes: Scopes) {
  const result = await runInWorker({ item: target.item, collection: target.collection, folders: target.folders, scopes, baseUrl: location.origin, source });
  if (result.scopes) applyScopes(result.scopes, target.collection?.id);
  const r = result.request;
  addHistory({
    source,
    method: r?.method ?? target.item.method,
    url: r?.url ?? target.item.url,
    status: result.response?.code,
    timeMs: result.response ? Math.round(result.response.responseTime) : undefined,
    error: result.response ? undefined : (result.error ?? 'not sent'),
    request: { ...target.item },
  });
  return result;
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
  sessionStore.set({ running: true });
  try {
    const result = await runOne({ item: { kind: 'request', ...request }, collection, folders }, 'client', scopesFor(state, collection));
    sessionStore.set({ running: false, run: toView(result) });
  } catch (error) {
    sessionStore.set({ running: false, run: { tests: [], error: (error as Error).message } });
  }
}

/** The runner: every request of a collection (or one folder) in order, variables flowing between them. */
export async function runCollectionInLab(collectionId: string, folderId?: string) {
  ensureActiveEnvironment();
  const collection = lab.get().collections.find((c) => c.id === collectionId);
  if (!collection) return;
  const start = folderId ? findItem(collection.items, folderId) : undefined;
  const targets: RunTarget[] = [];
  const walk = (items: Item[], folders: Folder[]) => {
    for (const item of items) {
      if (item.kind === 'folder') walk(item.items, [...folders, item]);
      else targets.push({ item, collection, folders });
    }
  };
  if (start?.item.kind === 'folder') walk(start.item.items, [...start.parents, start.item]);
  else walk(collection.items, []);
  const name = start ? start.item.name : collection.name;
  sessionStore.set({ runner: { name, running: true, results: [] } });
  for (const target of targets) {
    const fresh = lab.get().collections.find((c) => c.id === collectionId) ?? collection;
    const result = await runOne({ ...target, collection: fresh }, 'runner', scopesFor(lab.get(), fresh));
    const entry = { name: target.item.name, method: target.item.method, url: result.request?.url ?? target.item.url, status: result.response?.code, tests: result.tests as TestOutcome[], error: result.error };
    sessionStore.set((s) => ({ runner: { name, running: true, results: [...(s.runner?.results ?? []), entry] } }));
  }
  sessionStore.set((s) => ({ runner: s.runner && { ...s.runner, running: false } }));
}

export async function copySnippet(kind: 'curl' | 'fetch'): Promise<string> {
  const state = lab.get();
  const { request } = state;
  const resolve = (text: string) => resolvePreview(state, text);
  const headers = request.headers.filter((h) => h.enabled).map((h) => ({ key: resolve(h.key), value: resolve(h.value) }));
  if (request.auth.type === 'bearer') headers.push({ key: 'Authorization', value: `Bearer ${resolve(request.auth.token)}` });
  let body: string | undefined;
  if (request.body.mode === 'json' || request.body.mode === 'text') body = resolve(request.body.raw);
  if (request.body.mode === 'json' && !headers.some((h) => h.key.toLowerCase() === 'content-type')) headers.push({ key: 'Content-Type', value: 'application/json' });
  if (request.body.mode === 'urlencoded') {
    body = new URLSearchParams(request.body.fields.filter((f) => f.enabled).map((f) => [resolve(f.key), resolve(f.value)])).toString();
    headers.push({ key: 'Content-Type', value: 'application/x-www-form-urlencoded' });
  }
  const url = new URL(resolve(request.url), location.origin).toString();
  const text = (kind === 'curl' ? toCurl : toFetch)({ method: request.method, url, headers, body });
  try {
    await navigator.clipboard.writeText(text);
    return `Copied as ${kind}.`;
  } catch {
    return `Could not reach the clipboard; here it is:\n${text}`;
  }
}

export type { ConsoleLine };
