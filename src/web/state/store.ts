import { useSyncExternalStore } from 'react';
import type { Collection, Environment, LabRequest } from '../../scripting/model.ts';
import { emptyScripts } from '../../scripting/model.ts';
import { randomUuid } from '../../scripting/ids.ts';

export interface HistoryEntry {
  id: string;
  at: string;
  /** Who sent it: the request builder, a script's pm.sendRequest, or the collection runner. */
  source: 'client' | 'script' | 'runner';
  method: string;
  url: string;
  status?: number;
  timeMs?: number;
  error?: string;
  request?: LabRequest;
}

export interface OpenRequest extends LabRequest {
  /** Where it is saved, if it is. */
  collectionId?: string;
}

/** What survives a reload (kept in IndexedDB). */
export interface SavedState {
  request: OpenRequest;
  collections: Collection[];
  environments: Environment[];
  activeEnvironmentId: string | null;
  globals: Record<string, string>;
  history: HistoryEntry[];
  scratchpad: string;
  theme: 'light' | 'dark';
  /** This browser's sandbox workspace, made on first use of the Code view. */
  workspace?: { id: string; key: string };
  /** The code in the editor, deployed or not. */
  code?: string;
}

export const newId = () => randomUuid();

export const newRequest = (overrides: Partial<LabRequest> = {}): OpenRequest => ({
  id: newId(),
  name: 'New request',
  method: 'GET',
  url: '/api/courses',
  headers: [],
  body: { mode: 'none' },
  auth: { type: 'none' },
  scripts: emptyScripts(),
  ...overrides,
});

export const initialState = (): SavedState => ({
  request: newRequest(),
  collections: [],
  environments: [{ id: newId(), name: 'Local lab', values: [] }],
  activeEnvironmentId: null,
  globals: {},
  history: [],
  scratchpad: 'fetch("/api/courses?limit=3")\n  .then((r) => r.json())\n  .then((d) => console.log(d));\n',
  theme: window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
});

type Listener = () => void;

/** A tiny store: one state object, replaced on every change, read with useLab(selector). */
function createStore<T>(initial: T) {
  let state = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => state,
    set(next: T | ((current: T) => T)) {
      state = typeof next === 'function' ? (next as (current: T) => T)(state) : next;
      listeners.forEach((listener) => listener());
    },
    subscribe(listener: Listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export const lab = createStore<SavedState>(initialState());

export function useLab<S>(select: (state: SavedState) => S): S {
  return useSyncExternalStore(lab.subscribe, () => select(lab.get()));
}

export const updateRequest = (change: Partial<OpenRequest>) => lab.set((s) => ({ ...s, request: { ...s.request, ...change } }));

export const HISTORY_LIMIT = 500;

export function addHistory(entry: Omit<HistoryEntry, 'id' | 'at'>) {
  lab.set((s) => ({ ...s, history: [{ id: newId(), at: new Date().toISOString(), ...entry }, ...s.history].slice(0, HISTORY_LIMIT) }));
}

export function activeEnvironment(state: SavedState): Environment | undefined {
  return state.environments.find((e) => e.id === state.activeEnvironmentId);
}
