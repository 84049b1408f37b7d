/**
 * Playing requests the way Postman does: pre-request scripts from the collection down to the
 * request, variables resolved, the request sent, then test scripts in the same order. Shared by
 * the browser client (inside its Worker), the collection runner and a CLI.
 */
import { runScript } from './engine.ts';
import { sendHttp } from './http.ts';
import type { Collection, Folder, LabRequest, Scripts } from './model.ts';
import { absoluteUrl, resolveScriptRequest, toScriptRequest, withContentType } from './resolve.ts';
import { cloneScopes, type ConsoleLevel, type ScriptError, type ScriptRequest, type ScriptResponse, type TestResult, type VariableScopes } from './types.ts';

export interface ScriptOrigin {
  kind: 'collection' | 'folder' | 'request';
  id: string;
  name: string;
  event: 'prerequest' | 'test';
}

export interface OriginTestResult extends TestResult {
  origin: ScriptOrigin;
}

export interface RunError extends ScriptError {
  /** Absent when sending the request itself failed (network, bad URL). */
  origin?: ScriptOrigin;
}

export interface ConsoleLine {
  level: ConsoleLevel;
  text: string;
  origin: ScriptOrigin;
}

export type Send = (request: ScriptRequest) => Promise<ScriptResponse>;

/**
 * How far a request has got, for a caller that may have to end a stuck script from outside (the
 * browser ends its Worker) and still wants to show what came before: which script runs now, and
 * the response as soon as it is in.
 */
export type RunProgress =
  | { kind: 'script'; item: ProgressItem; origin: ScriptOrigin; /** Results of the scripts that already ran. */ tests: OriginTestResult[] }
  | { kind: 'response'; item: ProgressItem; request: ScriptRequest; response: ScriptResponse };

export interface ProgressItem {
  id: string;
  name: string;
  method: string;
}

export interface RunRequestOptions {
  collection?: Collection;
  /** Parent folders, outermost first. */
  folders?: Folder[];
  scopes: VariableScopes;
  /** Where relative URLs go: the lab server's origin. */
  baseUrl: string;
  /** sendHttp by default; a Worker may pass one with an AbortSignal. */
  send?: Send;
  console?: (line: ConsoleLine) => void;
  onProgress?: (progress: RunProgress) => void;
  iteration?: number;
  /** The active environment's name, for pm.environment.name. */
  environmentName?: string;
}

export interface RequestRunResult {
  /** As sent: resolved, with auth and content type. */
  request: ScriptRequest;
  response?: ScriptResponse;
  tests: OriginTestResult[];
  scopes: VariableScopes;
  errors: RunError[];
  consoleLines: ConsoleLine[];
}

interface ScriptOwner {
  kind: ScriptOrigin['kind'];
  id: string;
  name: string;
  scripts: Scripts;
}

function owners(item: LabRequest, options: RunRequestOptions): ScriptOwner[] {
  const list: ScriptOwner[] = [];
  if (options.collection) list.push({ kind: 'collection', ...options.collection });
  for (const folder of options.folders ?? []) list.push({ kind: 'folder', ...folder });
  list.push({ kind: 'request', ...item });
  return list;
}

export async function runRequest(item: LabRequest, options: RunRequestOptions): Promise<RequestRunResult> {
  const send = options.send ?? ((request: ScriptRequest) => sendHttp(request));
  // pm.sendRequest takes relative URLs too, like the request itself does.
  const scriptSend: Send = (request) => send(withContentType({ ...request, url: absoluteUrl(request.url, options.baseUrl) }));
  const chain = owners(item, options);
  const tests: OriginTestResult[] = [];
  const errors: RunError[] = [];
  const consoleLines: ConsoleLine[] = [];
  let scopes = cloneScopes(options.scopes);
  const progressItem: ProgressItem = { id: item.id, name: item.name, method: item.method.toUpperCase() };

  async function runEvent(event: ScriptOrigin['event'], request: ScriptRequest, response?: ScriptResponse): Promise<ScriptRequest> {
    for (const owner of chain) {
      const code = event === 'prerequest' ? owner.scripts.preRequest : owner.scripts.tests;
      if (code.trim() === '') continue;
      const origin: ScriptOrigin = { kind: owner.kind, id: owner.id, name: owner.name, event };
      options.onProgress?.({ kind: 'script', item: progressItem, origin, tests: [...tests] });
      const output = await runScript({
        kind: event,
        code,
        request,
        response,
        scopes,
        info: { requestName: item.name, requestId: item.id, iteration: options.iteration ?? 0 },
        environmentName: options.environmentName,
        sendRequest: scriptSend,
        console: (level, text) => {
          const line = { level, text, origin };
          consoleLines.push(line);
          options.console?.(line);
        },
      });
      scopes = output.scopes;
      request = output.request;
      tests.push(...output.tests.map((t) => ({ ...t, origin })));
      // Like newman, a broken script is reported and the run goes on with the next one.
      if (output.error) errors.push({ ...output.error, origin });
    }
    return request;
  }

  const prepared = await runEvent('prerequest', toScriptRequest(item));
  const request = resolveScriptRequest(prepared, item.auth, scopes, options.baseUrl);
  let response: ScriptResponse | undefined;
  try {
    response = await send(request);
  } catch (error) {
    errors.push({ name: (error as Error).name || 'Error', message: (error as Error).message });
    // No response, no tests: every test script would only fail on pm.response being undefined.
    return { request, tests, scopes, errors, consoleLines };
  }
  options.onProgress?.({ kind: 'response', item: progressItem, request, response });
  await runEvent('test', request, response);
  return { request, response, tests, scopes, errors, consoleLines };
}
