/** Running a whole collection (or one folder) in order, variables flowing from request to request. */
import type { Collection, Folder, Item, LabRequest } from './model.ts';
import { type ConsoleLine, type RequestRunResult, type RunProgress, runRequest, type Send } from './runner.ts';
import type { VariableScopes } from './types.ts';

export interface RunCollectionOptions {
  /** Only this folder (at any depth), with the scripts of the folders above it. */
  folderId?: string;
  /** Current values of the active environment. */
  environment?: Record<string, string>;
  globals?: Record<string, string>;
  /** pm.iterationData for this run (one data row). */
  data?: Record<string, string>;
  baseUrl: string;
  send?: Send;
  console?: (line: ConsoleLine) => void;
  /** Called after each request, for a live view. */
  onResult?: (result: CollectionRunResult) => void;
  /** Called as each request goes (see RunProgress). */
  onProgress?: (progress: RunProgress) => void;
  environmentName?: string;
  /** Stops before the next request. */
  signal?: AbortSignal;
  iteration?: number;
}

export interface CollectionRunResult extends RequestRunResult {
  item: { id: string; name: string };
  /** Names of the folders above the request, outermost first. */
  path: string[];
}

export interface CollectionRunSummary {
  requests: number;
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Script errors and failed sends. */
  errors: number;
  results: CollectionRunResult[];
  /** Final variables, for the caller to save (environment current values, collection variables, globals). */
  scopes: VariableScopes;
}

interface Target {
  request: LabRequest;
  folders: Folder[];
}

function targets(items: Item[], folders: Folder[]): Target[] {
  return items.flatMap((item): Target[] => (item.kind === 'folder' ? targets(item.items, [...folders, item]) : [{ request: item, folders }]));
}

function findFolder(items: Item[], id: string, parents: Folder[] = []): Folder[] | undefined {
  for (const item of items) {
    if (item.kind !== 'folder') continue;
    if (item.id === id) return [...parents, item];
    const found = findFolder(item.items, id, [...parents, item]);
    if (found) return found;
  }
  return undefined;
}

export async function runCollection(collection: Collection, options: RunCollectionOptions): Promise<CollectionRunSummary> {
  let list: Target[];
  if (options.folderId) {
    const chain = findFolder(collection.items, options.folderId);
    if (!chain) throw new Error(`No folder with id ${options.folderId} in "${collection.name}"`);
    list = targets(chain.at(-1)!.items, chain);
  } else {
    list = targets(collection.items, []);
  }

  let scopes: VariableScopes = {
    globals: { ...options.globals },
    collection: Object.fromEntries(collection.variables.filter((v) => v.enabled).map((v) => [v.key, v.value])),
    environment: { ...options.environment },
    data: { ...options.data },
    local: {},
  };
  const summary: CollectionRunSummary = { requests: 0, tests: 0, passed: 0, failed: 0, skipped: 0, errors: 0, results: [], scopes };

  for (const { request, folders } of list) {
    if (options.signal?.aborted) break;
    const result = await runRequest(request, {
      collection,
      folders,
      // Local variables (pm.variables.set) live for one request only.
      scopes: { ...scopes, local: {} },
      baseUrl: options.baseUrl,
      send: options.send,
      console: options.console,
      onProgress: options.onProgress,
      iteration: options.iteration,
      environmentName: options.environmentName,
    });
    scopes = { ...result.scopes, local: {} };
    const entry: CollectionRunResult = { ...result, item: { id: request.id, name: request.name }, path: folders.map((f) => f.name) };
    summary.results.push(entry);
    summary.requests++;
    for (const test of result.tests) {
      summary.tests++;
      if (test.skipped) summary.skipped++;
      else if (test.passed) summary.passed++;
      else summary.failed++;
    }
    summary.errors += result.errors.length;
    options.onResult?.(entry);
  }
  summary.scopes = scopes;
  return summary;
}
