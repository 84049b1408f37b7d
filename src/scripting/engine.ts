/**
 * runScript: one pre-request or test script with Postman's `pm` API. The same code runs in the
 * browser's script Worker and in Node, so it touches no DOM and no node: module.
 */
import * as chai from 'chai';
import { calibrate, compileScript, runtimeErrorLine } from './compile.ts';
import { formatConsoleArgs } from './format.ts';
import { createPmRequest } from './pm-request.ts';
import { createPmResponse } from './pm-response.ts';
import { createPmVariables } from './pm-variables.ts';
import { fromSendRequestOptions, type SendRequestOptions } from './send-request-input.ts';
import { testError } from './test-results.ts';
import { createTimers } from './timers.ts';
import { cloneScopes, type ConsoleLevel, type ScriptError, type ScriptInput, type ScriptOutput, type TestResult } from './types.ts';

export type { ScriptInput, ScriptOutput, ScriptRequest, ScriptResponse, TestResult, VariableScopes } from './types.ts';

type Callback = (error: unknown, response?: ReturnType<typeof createPmResponse>) => void;

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as { then?: unknown })?.then === 'function';

export async function runScript(input: ScriptInput): Promise<ScriptOutput> {
  await calibrate();
  const scopes = cloneScopes(input.scopes);
  const { request, snapshot } = createPmRequest(input.request, input.kind !== 'prerequest');
  const tests: TestResult[] = [];
  let error: ScriptError | undefined;

  // Everything the script started and we must see finish: async tests, sendRequest, timers.
  const pending = new Set<Promise<unknown>>();
  const track = (promise: PromiseLike<unknown>) => {
    const settled: Promise<unknown> = Promise.resolve(promise).then(
      () => pending.delete(settled),
      () => pending.delete(settled),
    );
    pending.add(settled);
  };
  /** Only the first uncaught error is reported, as the script stopped there. */
  const fail = (thrown: unknown) => {
    if (error) return;
    const e = thrown as { name?: unknown; message?: unknown } | undefined;
    error = {
      name: typeof e?.name === 'string' ? e.name : 'Error',
      message: typeof e?.message === 'string' ? e.message : String(thrown),
      line: runtimeErrorLine(thrown),
    };
  };

  const test = (name: unknown, fn?: unknown) => {
    const result: TestResult = { name: String(name), passed: true };
    tests.push(result);
    if (typeof fn !== 'function') {
      result.skipped = true; // Postman counts a test without a function as skipped
      return pm;
    }
    const failed = (thrown: unknown) => {
      if (result.passed) Object.assign(result, { passed: false, error: testError(thrown) });
    };
    try {
      if (fn.length > 0) {
        // A `done` parameter: the test ends when done() is called; done(error) fails it.
        track(
          new Promise<void>((resolve) => {
            const done = (doneError?: unknown) => {
              if (doneError !== undefined && doneError !== null) failed(doneError);
              resolve();
            };
            try {
              const returned = fn(done);
              if (isThenable(returned)) returned.then(undefined, (thrown) => (failed(thrown), resolve()));
            } catch (thrown) {
              failed(thrown);
              resolve();
            }
          }),
        );
      } else {
        const returned = fn();
        if (isThenable(returned)) track(returned.then(undefined, failed));
      }
    } catch (thrown) {
      failed(thrown);
    }
    return pm;
  };
  test.skip = (name: unknown) => {
    tests.push({ name: String(name), passed: true, skipped: true });
    return pm;
  };

  function sendRequest(options: string | SendRequestOptions, callback?: Callback) {
    let promise: Promise<ReturnType<typeof createPmResponse>>;
    try {
      promise = input.sendRequest(fromSendRequestOptions(options)).then(createPmResponse);
    } catch (thrown) {
      promise = Promise.reject(thrown);
    }
    if (typeof callback === 'function') {
      track(
        promise.then(
          (response) => callback(null, response),
          (thrown) => callback(thrown instanceof Error ? thrown : new Error(String(thrown))),
        ).then(undefined, fail),
      );
      return undefined;
    }
    track(promise); // waited for even if the script forgets to await it
    return promise;
  }

  const variables = createPmVariables(scopes, input.environmentName ?? '');
  const pm = {
    info: { eventName: input.kind, requestName: input.info.requestName, requestId: input.info.requestId, iteration: input.info.iteration },
    test,
    expect: chai.expect,
    request,
    response: input.response ? createPmResponse(input.response) : undefined,
    sendRequest,
    ...variables,
  };

  const log = (level: ConsoleLevel) => (...args: unknown[]) => input.console(level, formatConsoleArgs(args));
  const console = { log: log('log'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('log') };
  const timers = createTimers(track, fail);
  const legacyTests: Record<string, unknown> = {};
  const postman = {
    setEnvironmentVariable: (key: string, value: unknown) => variables.environment.set(key, value),
    getEnvironmentVariable: (key: string) => variables.environment.get(key),
    clearEnvironmentVariable: (key: string) => variables.environment.unset(key),
    setGlobalVariable: (key: string, value: unknown) => variables.globals.set(key, value),
    getGlobalVariable: (key: string) => variables.globals.get(key),
    clearGlobalVariable: (key: string) => variables.globals.unset(key),
    getResponseHeader: (name: string) => pm.response?.headers.get(name),
  };
  const require = (name: string) => {
    if (name === 'chai') return chai;
    throw new Error(`Cannot find module '${name}': only 'chai' is available in lab scripts`);
  };

  const globals: Record<string, unknown> = {
    pm,
    postman,
    console,
    require,
    tests: legacyTests,
    responseBody: input.response?.body,
    responseCode: input.response && { code: input.response.code, name: input.response.status, detail: input.response.status },
    responseHeaders: input.response && Object.fromEntries(input.response.headers.map((h) => [h.key, h.value])),
    responseTime: input.response?.responseTime,
    ...timers.globals,
  };

  const compiled = compileScript(input.code, Object.keys(globals));
  if (!compiled.ok) return { tests, scopes, request: snapshot(), error: compiled.error };
  try {
    await compiled.run(...Object.values(globals));
  } catch (thrown) {
    fail(thrown);
  }
  while (pending.size > 0) await Promise.all([...pending]);
  timers.clearAll();

  // The pre-pm style, `tests["name"] = condition`, still appears in older collections.
  for (const [name, value] of Object.entries(legacyTests)) {
    tests.push(value ? { name, passed: true } : { name, passed: false, error: { name: 'AssertionError', message: `expected ${name} to be truthy`, showDiff: false } });
  }
  return error ? { tests, scopes, request: snapshot(), error } : { tests, scopes, request: snapshot() };
}
