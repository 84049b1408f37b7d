/**
 * The scratchpad's front-end JavaScript, run inside the worker: fetch() and console work as in a
 * browser tab. It is done when its code has returned and no fetch it started is still open.
 */
export async function runClientCode(code: string, options: { baseUrl: string; log: (level: 'log' | 'info' | 'warn' | 'error', text: string) => void; onWaiting: (waiting: boolean) => void }) {
  let open = 0;
  const realFetch = globalThis.fetch.bind(globalThis);
  const trackedFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    open += 1;
    const target = typeof input === 'string' ? new URL(input, options.baseUrl) : input;
    return realFetch(target, init).finally(() => {
      open -= 1;
    });
  };
  const consoleProxy = Object.fromEntries((['log', 'info', 'warn', 'error'] as const).map((level) => [level, (...args: unknown[]) => options.log(level, formatArgs(args))]));
  const run = new Function('fetch', 'console', `"use strict"; return (async () => {\n${code}\n})();`) as (f: typeof fetch, c: typeof consoleProxy) => Promise<unknown>;
  try {
    await run(trackedFetch as typeof fetch, consoleProxy);
  } catch (error) {
    options.log('error', describeError(error));
  }
  // Chains such as fetch().then(r => r.json()).then(console.log) finish after the code returns.
  options.onWaiting(true);
  const deadline = Date.now() + 15_000;
  do {
    await new Promise((resolve) => setTimeout(resolve, 30));
  } while (open > 0 && Date.now() < deadline);
  await new Promise((resolve) => setTimeout(resolve, 30));
  options.onWaiting(false);
  if (open > 0) options.log('warn', 'Gave up waiting for requests still open after 15 s.');
}

export function formatArgs(args: unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : formatValue(arg))).join(' ');
}

function formatValue(value: unknown): string {
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'undefined') return 'undefined';
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const hint = error instanceof TypeError && /fetch/i.test(error.message) ? ' (the server could not be reached, or CORS refused the answer)' : '';
    return `${error.name}: ${error.message}${hint}`;
  }
  return `Uncaught: ${String(error)}`;
}
