/**
 * The PropertyList surface scripts use on headers and query parameters (get, has, add, upsert,
 * remove, toObject…), over a plain array so the result is still plain data for postMessage.
 * Keys compare case-insensitively, as HTTP header names do and as Postman's HeaderList does.
 */
import type { HeaderPair } from './types.ts';

type PairInput = HeaderPair | { key: string; value?: unknown } | string;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Postman accepts `{key, value}` objects and also "Name: value" strings. */
function toPair(input: PairInput, value?: unknown): HeaderPair {
  if (typeof input === 'string') {
    if (value !== undefined) return { key: input, value: String(value) };
    const colon = input.indexOf(':');
    return colon < 0 ? { key: input.trim(), value: '' } : { key: input.slice(0, colon).trim(), value: input.slice(colon + 1).trim() };
  }
  return { key: String(input.key), value: input.value === undefined || input.value === null ? '' : String(input.value) };
}

export interface PairList {
  get(key: string): string | undefined;
  one(key: string): HeaderPair | undefined;
  has(key: string, value?: string): boolean;
  all(): HeaderPair[];
  count(): number;
  idx(index: number): HeaderPair | undefined;
  each(fn: (pair: HeaderPair) => void): void;
  map<T>(fn: (pair: HeaderPair) => T): T[];
  filter(fn: (pair: HeaderPair) => boolean): HeaderPair[];
  find(fn: (pair: HeaderPair) => boolean): HeaderPair | undefined;
  toObject(): Record<string, string>;
  toJSON(): HeaderPair[];
  toString(): string;
  add(pair: PairInput, value?: unknown): void;
  upsert(pair: PairInput, value?: unknown): void;
  remove(key: string | ((pair: HeaderPair) => boolean)): void;
  clear(): void;
}

/**
 * `pairs` is read on every call, so a list over a request keeps following its array; `readOnly`
 * turns the mutators into errors for pm.response, whose headers are what the server sent.
 */
export function pairList(pairs: () => HeaderPair[], readOnly = false, separator = '\n'): PairList {
  const mutate = (fn: (list: HeaderPair[]) => void) => {
    if (readOnly) throw new TypeError('This list is read-only');
    fn(pairs());
  };
  const list: PairList = {
    get: (key) => pairs().find((p) => same(p.key, key))?.value,
    one: (key) => pairs().find((p) => same(p.key, key)),
    has: (key, value) => pairs().some((p) => same(p.key, key) && (value === undefined || p.value === value)),
    all: () => pairs().map((p) => ({ ...p })),
    count: () => pairs().length,
    idx: (index) => pairs()[index],
    each: (fn) => pairs().forEach((p) => fn(p)),
    map: (fn) => pairs().map((p) => fn(p)),
    filter: (fn) => pairs().filter((p) => fn(p)),
    find: (fn) => pairs().find((p) => fn(p)),
    toObject: () => Object.fromEntries(pairs().map((p) => [p.key, p.value])),
    toJSON: () => list.all(),
    toString: () => pairs().map((p) => `${p.key}: ${p.value}`).join(separator),
    add: (pair, value) => mutate((l) => l.push(toPair(pair, value))),
    upsert: (pair, value) =>
      mutate((l) => {
        const next = toPair(pair, value);
        const existing = l.find((p) => same(p.key, next.key));
        if (existing) existing.value = next.value;
        else l.push(next);
      }),
    remove: (key) =>
      mutate((l) => {
        const doomed = typeof key === 'function' ? key : (p: HeaderPair) => same(p.key, key);
        for (let i = l.length - 1; i >= 0; i--) if (doomed(l[i]!)) l.splice(i, 1);
      }),
    clear: () => mutate((l) => l.splice(0, l.length)),
  };
  return list;
}
