/**
 * Compiling a user's script with the Function constructor, and mapping errors back to lines of
 * what the user typed: the constructor wraps the body in a header whose length differs between
 * engines, so the offset is measured once with a probe instead of assumed.
 */

const SOURCE_NAME = 'lab-script.js';
// Named so stack frames of user code are recognisable (V8 and Firefox honour sourceURL in Function bodies).
const SOURCE_URL = `\n//# sourceURL=${SOURCE_NAME}`;

export type CompiledScript = (...args: unknown[]) => Promise<unknown>;

// An async function, so scripts may `await pm.sendRequest(...)` at top level as in Postman.
const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => CompiledScript;

const FRAME = new RegExp(`${SOURCE_NAME.replace('.', '\\.')}:(\\d+):\\d+`);

function stackLine(error: unknown): number | undefined {
  const stack = (error as { stack?: unknown })?.stack;
  if (typeof stack !== 'string') return undefined;
  const match = FRAME.exec(stack);
  return match ? Number(match[1]) : undefined;
}

let stackOffset: number | undefined;
let calibration: Promise<void> | undefined;

/** Measures once how many header lines the engine puts before a function body. */
export function calibrate(): Promise<void> {
  calibration ??= new AsyncFunction(`throw new Error('probe');${SOURCE_URL}`)().then(
    () => {},
    (error: unknown) => {
      const line = stackLine(error);
      if (line !== undefined) stackOffset = line - 1;
    },
  );
  return calibration;
}

/** The line of user code where a runtime error was thrown, if the stack says. */
export function runtimeErrorLine(error: unknown): number | undefined {
  const reported = stackLine(error);
  const offset = stackOffset;
  if (reported === undefined || offset === undefined) return undefined;
  const line = reported - offset;
  return line >= 1 ? line : undefined;
}

function compileError(body: string): SyntaxError | undefined {
  try {
    new AsyncFunction('', body);
    return undefined;
  } catch (error) {
    return error as SyntaxError;
  }
}

/**
 * V8 gives a SyntaxError from the Function constructor no position at all. The first line whose
 * prefix fails with the same message whatever follows it is where the error is: an error caused
 * merely by the prefix ending early would change with the text after it.
 */
function syntaxErrorLine(code: string, error: SyntaxError): number | undefined {
  const firefoxLine = (error as { lineNumber?: unknown }).lineNumber;
  if (typeof firefoxLine === 'number') {
    const probe = compileError('\n\n)') as { lineNumber?: unknown } | undefined;
    if (typeof probe?.lineNumber === 'number') return firefoxLine - (probe.lineNumber - 3);
  }
  const lines = code.split('\n');
  for (let count = 1; count <= lines.length; count++) {
    const prefix = lines.slice(0, count).join('\n');
    const a = compileError(`${prefix}\n)]}`);
    const b = compileError(`${prefix}\n/*`);
    if (a && b && a.message === error.message && b.message === error.message) return count;
  }
  // Nothing before the end is wrong on its own: the script ends too early (an unclosed bracket).
  const lastTyped = lines.findLastIndex((line) => line.trim() !== '');
  return lastTyped < 0 ? undefined : lastTyped + 1;
}

export type CompileResult = { ok: true; run: CompiledScript } | { ok: false; error: { name: string; message: string; line?: number } };

export function compileScript(code: string, parameters: string[]): CompileResult {
  try {
    return { ok: true, run: new AsyncFunction(...parameters, code + SOURCE_URL) };
  } catch (error) {
    const syntax = error as SyntaxError;
    return { ok: false, error: { name: syntax.name, message: syntax.message, line: syntaxErrorLine(code, syntax) } };
  }
}
