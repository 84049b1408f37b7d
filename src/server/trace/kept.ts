import { FIELDS, type FinishedRecording, type StepName } from './recorder.ts';
import type { StepKind, StepOutcome, Trace, TraceStep } from './types.ts';

/**
 * How a kept trace lies in its store slot's array: numbers and references only, in an array the
 * slot reuses for every trace it holds.
 *
 * Why: keeping each finished trace as objects (its steps, one detail object per step, the arrays
 * of SQL parameters) cost more than recording it. Every kept trace survived two young-generation
 * collections, was copied into the old generation and died there, so that generation grew by about
 * 1.3 KB per request and was swept again and again. Measured side by side at saturation, tracing
 * cost 12–19% of throughput with 2,000 traces kept as objects and 4–8% with 100 kept (they died
 * young); see ARCHITECTURE.md. Copied into arrays made once per slot, a trace adds no object but its id: small integers
 * sit in the array, and most strings (statement texts, route names, header values) are shared
 * copies already.
 *
 * Layout: traceId (null when it is the id), method, path, status, duration, then per step: kind,
 * name, start, duration, outcome, the number of detail fields, and each field as name and value.
 * A value that is a short list or record of plain values (SQL parameters, a query) is written out
 * after a marker: LIST, length, items; RECORD, count, name and value each.
 */
const HEAD = 5;

const LIST = Symbol('list');
const RECORD = Symbol('record');
/** Longer lists and records are kept as they are: rare, and writing them out would cost more. */
const MAX_SPREAD = 16;

const isPlain = (v: unknown) => v === null || (typeof v !== 'object' && typeof v !== 'function');

function spreadable(value: object): boolean {
  // A frozen value is one copy shared by many traces (a connection's headers): kept as it is.
  if (Object.isFrozen(value)) return false;
  if (Array.isArray(value)) {
    if (value.length > MAX_SPREAD) return false;
    for (let i = 0; i < value.length; i++) if (!isPlain(value[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  let count = 0;
  for (const key in value) if (++count > MAX_SPREAD || !isPlain((value as Record<string, unknown>)[key])) return false;
  return true;
}

/** Writes `value` at `at` (growing the array by one at its end) and returns the next index. */
function put(into: unknown[], at: number, value: unknown): number {
  if (at < into.length) into[at] = value;
  else into.push(value);
  return at + 1;
}

/** Writes a finished request into `into` (growing it if needed) and returns how many values it used. */
export function keepRecording(into: unknown[], recording: FinishedRecording): number {
  let at = put(into, 0, recording.traceId === recording.id ? null : recording.traceId);
  at = put(into, at, recording.method);
  at = put(into, at, recording.path);
  at = put(into, at, recording.status);
  at = put(into, at, recording.duration);
  const steps = recording.steps;
  for (let i = 0; i < recording.stepValues; i += FIELDS) {
    for (let f = 0; f < FIELDS - 1; f++) at = put(into, at, steps[i + f]);
    const countAt = at;
    at = put(into, at, 0);
    let fields = 0;
    const detail = steps[i + FIELDS - 1] as Record<string, unknown>;
    for (const key in detail) {
      const value = detail[key];
      if (value === undefined) continue;
      fields++;
      at = put(into, at, key);
      at = isPlain(value) || !spreadable(value as object) ? put(into, at, value) : spread(into, at, value as object);
    }
    into[countAt] = fields;
  }
  return at;
}

/** A short list or record of plain values, written out after its marker. */
function spread(into: unknown[], at: number, value: object): number {
  if (Array.isArray(value)) {
    at = put(into, at, LIST);
    at = put(into, at, value.length);
    for (let k = 0; k < value.length; k++) at = put(into, at, value[k]);
    return at;
  }
  const record = value as Record<string, unknown>;
  at = put(into, at, RECORD);
  const countAt = at;
  at = put(into, at, 0);
  let count = 0;
  for (const name in record) {
    if (record[name] === undefined) continue;
    count++;
    at = put(into, at, name);
    at = put(into, at, record[name]);
  }
  into[countAt] = count;
  return at;
}

/** The Trace a slot holds, built anew on each read (a trace is read once or twice, if at all). */
export function readTrace(from: readonly unknown[], length: number, id: string, startedAt: number): Trace {
  const steps: TraceStep[] = [];
  let at = HEAD;
  const next = () => from[at++];
  while (at < length) {
    const kind = next() as StepKind;
    const name = next() as StepName;
    const start = next() as number;
    const duration = next() as number;
    const outcome = next() as StepOutcome;
    const fields = next() as number;
    const detail: Record<string, unknown> = {};
    for (let f = 0; f < fields; f++) {
      const key = next() as string;
      let value = next();
      if (value === LIST) {
        const list = new Array<unknown>(next() as number);
        for (let k = 0; k < list.length; k++) list[k] = next();
        value = list;
      } else if (value === RECORD) {
        const record: Record<string, unknown> = {};
        for (let n = next() as number; n > 0; n--) record[next() as string] = next();
        value = record;
      }
      detail[key] = value;
    }
    steps.push({ kind, name: typeof name === 'function' ? name(detail) : name, startMs: start / 100, durationMs: duration / 100, outcome, detail });
  }
  // Stable: steps reported at the same time keep the order they were reported in.
  steps.sort((a, b) => a.startMs - b.startMs);
  return {
    id,
    traceId: (from[0] as string | null) ?? id,
    method: from[1] as string,
    path: from[2] as string,
    status: from[3] as number,
    durationMs: (from[4] as number) / 100,
    startedAt: new Date(startedAt).toISOString(),
    steps,
  };
}

/** A finished recording as a Trace, without a store (for tests and tools). */
export function traceOf(recording: FinishedRecording): Trace {
  const values: unknown[] = [];
  return readTrace(values, keepRecording(values, recording), recording.id, recording.startedAt);
}
