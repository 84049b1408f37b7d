import { useSyncExternalStore } from 'react';
import type { Destination } from './tree.ts';

/** What the last run produced: shown, not saved. */
export interface TestOutcome {
  name: string;
  passed: boolean;
  /** pm.test.skip, or a test without a function: neither passed nor failed. */
  skipped?: boolean;
  /** Which script it came from: "Tests", a folder, the collection. */
  origin?: string;
  error?: { name: string; message: string; expected?: string; actual?: string; showDiff: boolean };
}

export interface ConsoleLine {
  level: 'log' | 'info' | 'warn' | 'error';
  text: string;
  source: string;
}

export interface ResponseView {
  code: number;
  status: string;
  headers: { key: string; value: string }[];
  body: string;
  timeMs: number;
  size: number;
}

/** One HTTP exchange of a run (the request itself, or pm.sendRequest from a script), for the Journey tab. */
export interface ExchangeView {
  main: boolean;
  method: string;
  url: string;
  status?: number;
  traceId?: string;
  error?: string;
}

export interface RunView {
  request?: { method: string; url: string; headers: { key: string; value: string }[]; body?: string };
  response?: ResponseView;
  tests: TestOutcome[];
  /** Every request the run sent, in order; the request itself has main: true. */
  exchanges?: ExchangeView[];
  /** A network failure, a script error, or a stopped script, explained. */
  error?: string;
  /** A script was stopped at the time limit: the tests shown are those that finished before it. */
  stopped?: boolean;
}

export interface RunnerEntry {
  name: string;
  method: string;
  url: string;
  status?: number;
  tests: TestOutcome[];
  /** Script errors or a failed send; shown beside the status, not instead of it. */
  error?: string;
  /** Cut off by Stop or the time limit: not counted as an error. */
  stopped?: boolean;
}

export interface RunnerState {
  name: string;
  running: boolean;
  /** Stop was pressed; the run ends before its next request. */
  stopping?: boolean;
  /** Ended before the last request: by Stop, or a script past the time limit. */
  stopped?: boolean;
  results: RunnerEntry[];
}

export interface Session {
  running: boolean;
  run?: RunView;
  console: ConsoleLine[];
  scratchpadRunning: boolean;
  runner?: RunnerState;
  /** Where Save puts the open request, when the learner chose a place in "Save in". */
  saveIn?: { requestId: string; destination: Destination };
}

let session: Session = { running: false, console: [], scratchpadRunning: false };
const listeners = new Set<() => void>();

export const sessionStore = {
  get: () => session,
  set(change: Partial<Session> | ((s: Session) => Partial<Session>)) {
    session = { ...session, ...(typeof change === 'function' ? change(session) : change) };
    listeners.forEach((l) => l());
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

export function useSession<S>(select: (s: Session) => S): S {
  return useSyncExternalStore(sessionStore.subscribe, () => select(sessionStore.get()));
}

export const CONSOLE_LIMIT = 1000;

export function logToConsole(line: ConsoleLine) {
  sessionStore.set((s) => ({ console: [...s.console, line].slice(-CONSOLE_LIMIT) }));
}
