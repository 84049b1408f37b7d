import type { Collection, Folder, Item } from '../../scripting/model.ts';
import type { ConsoleLine, TestOutcome } from '../state/session.ts';
import type { HistoryEntry } from '../state/store.ts';

/** Messages between the page and the script worker. */

export interface Scopes {
  globals: Record<string, string>;
  collection: Record<string, string>;
  environment: Record<string, string>;
  data: Record<string, string>;
  local: Record<string, string>;
}

export type ToWorker =
  | { type: 'run'; id: string; item: Item & { kind: 'request' }; collection?: Collection; folders: Folder[]; scopes: Scopes; baseUrl: string; environmentName?: string }
  | { type: 'run-collection'; id: string; collection: Collection; folderId?: string; environment: Record<string, string>; globals: Record<string, string>; baseUrl: string; environmentName?: string }
  /** Ends a collection run before its next request (and the request in flight). */
  | { type: 'stop'; id: string }
  | { type: 'client-script'; id: string; code: string; baseUrl: string };

/** One HTTP exchange of a run: the request itself or one made by a script with pm.sendRequest. */
export interface Exchange {
  /** The request itself, not one a script made. */
  main: boolean;
  method: string;
  url: string;
  status?: number;
  /** The X-Trace-Id the lab's server answered with: its journey is at GET /api/traces/:id. */
  traceId?: string;
  /** Why no response came (network, timeout). */
  error?: string;
}

export interface WorkerRunResult {
  request?: { method: string; url: string; headers: { key: string; value: string }[]; body?: string };
  response?: { code: number; status: string; headers: { key: string; value: string }[]; body: string; responseTime: number; size: number };
  tests: TestOutcome[];
  /** Every request sent during the run, in the order they were sent. */
  exchanges?: Exchange[];
  scopes?: Scopes;
  error?: string;
  /** Ended early: a script ran past the time limit (the page ended the worker), or the learner pressed Stop. */
  stopped?: boolean;
}

/** One request of a collection run, reported as soon as it is done. */
export interface WorkerItemResult extends WorkerRunResult {
  item: { id: string; name: string; method: string };
}

export type FromWorker =
  | { type: 'console'; id: string; line: ConsoleLine }
  | { type: 'sent'; id: string; entry: Omit<HistoryEntry, 'id' | 'at'> }
  /** What runs now; `script` names the script, so a stopped one can be named. */
  | { type: 'phase'; id: string; phase: 'script' | 'network'; script?: string }
  /** Kept by the page, so a test script that has to be stopped does not take the response with it. */
  | { type: 'progress'; id: string; item: { id: string; name: string; method: string }; partial: Pick<WorkerRunResult, 'request' | 'response' | 'tests'> }
  | { type: 'item-result'; id: string; result: WorkerItemResult }
  | { type: 'result'; id: string; result: WorkerRunResult };
