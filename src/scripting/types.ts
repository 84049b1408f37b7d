/**
 * The script engine's contract. Plain data only, so every value crosses a Worker's postMessage
 * (structured clone) unchanged: the browser runs scripts in a Worker, the CLI and tests in Node.
 */
import type { RequestBody } from './model.ts';

export interface HeaderPair {
  key: string;
  value: string;
}

export interface ScriptRequest {
  method: string;
  url: string;
  headers: HeaderPair[];
  body: RequestBody;
}

export interface ScriptResponse {
  code: number;
  status: string;
  headers: HeaderPair[];
  body: string;
  /** Milliseconds from sending to the last byte of the body. */
  responseTime: number;
  /** Bytes of the body as received (after content decoding). */
  size: number;
}

export interface VariableScopes {
  globals: Record<string, string>;
  collection: Record<string, string>;
  environment: Record<string, string>;
  data: Record<string, string>;
  local: Record<string, string>;
}

export type ConsoleLevel = 'log' | 'info' | 'warn' | 'error';

export interface ScriptInput {
  kind: 'prerequest' | 'test';
  code: string;
  /** Pre-request scripts may change it; the changed copy comes back in ScriptOutput.request. */
  request: ScriptRequest;
  /** Present for 'test'. */
  response?: ScriptResponse;
  /** Not mutated; the new scopes come back in ScriptOutput.scopes. */
  scopes: VariableScopes;
  info: { requestName: string; requestId: string; iteration: number };
  /** pm.environment.name: the active environment's, or empty without one. */
  environmentName?: string;
  sendRequest: (request: ScriptRequest) => Promise<ScriptResponse>;
  console: (level: ConsoleLevel, text: string) => void;
}

export interface TestError {
  name: string;
  message: string;
  /** JSON, pretty-printed, for a diff view. */
  expected?: string;
  actual?: string;
  showDiff: boolean;
}

export interface TestResult {
  name: string;
  passed: boolean;
  /** pm.test.skip: neither passed nor failed, as newman reports it. */
  skipped?: boolean;
  error?: TestError;
}

export interface ScriptError {
  name: string;
  message: string;
  /** 1-based line in the user's script, when the engine could tell. */
  line?: number;
}

export interface ScriptOutput {
  tests: TestResult[];
  scopes: VariableScopes;
  request: ScriptRequest;
  error?: ScriptError;
}

export const emptyScopes = (): VariableScopes => ({ globals: {}, collection: {}, environment: {}, data: {}, local: {} });

export const cloneScopes = (scopes: VariableScopes): VariableScopes => ({
  globals: { ...scopes.globals },
  collection: { ...scopes.collection },
  environment: { ...scopes.environment },
  data: { ...scopes.data },
  local: { ...scopes.local },
});
