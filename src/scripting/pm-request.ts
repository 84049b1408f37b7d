/**
 * pm.request: the request as a pre-request script sees it (variables not yet resolved) and may
 * change it. State is a private ScriptRequest copy; snapshot() hands the result back.
 */
import type { KeyValue, RequestBody } from './model.ts';
import { pairList, type PairList } from './pm-list.ts';
import type { HeaderPair, ScriptRequest } from './types.ts';

interface UrlParts {
  base: string;
  query: HeaderPair[];
  hash: string;
}

/** Split by hand, not with URL: the text may still be `{{baseUrl}}/courses?q={{term}}`. */
function parseUrl(text: string): UrlParts {
  const hashAt = text.indexOf('#');
  const hash = hashAt < 0 ? '' : text.slice(hashAt + 1);
  const rest = hashAt < 0 ? text : text.slice(0, hashAt);
  const queryAt = rest.indexOf('?');
  if (queryAt < 0) return { base: rest, query: [], hash };
  const query = rest
    .slice(queryAt + 1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? { key: part, value: '' } : { key: part.slice(0, eq), value: part.slice(eq + 1) };
    });
  return { base: rest.slice(0, queryAt), query, hash };
}

function urlText(parts: UrlParts): string {
  const query = parts.query.map((p) => (p.value === '' ? p.key : `${p.key}=${p.value}`)).join('&');
  return parts.base + (query ? `?${query}` : '') + (parts.hash ? `#${parts.hash}` : '');
}

function pmUrl(parts: UrlParts) {
  const authority = () => parts.base.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const url = {
    query: pairList(() => parts.query),
    toString: () => urlText(parts),
    toJSON: () => urlText(parts),
    update(text: string) {
      Object.assign(parts, parseUrl(String(text)));
    },
    getHost: () => authority().split('/')[0]!.replace(/:\d+$/, ''),
    getPath: () => {
      const slash = authority().indexOf('/');
      return slash < 0 ? '/' : authority().slice(slash);
    },
    getQueryString: () => parts.query.map((p) => `${p.key}=${p.value}`).join('&'),
    addQueryParams(params: HeaderPair[] | string) {
      const more = typeof params === 'string' ? parseUrl(`?${params}`).query : params;
      parts.query.push(...more.map((p) => ({ key: p.key, value: p.value ?? '' })));
    },
    removeQueryParams(keys: string | string[]) {
      const doomed = new Set(Array.isArray(keys) ? keys : [keys]);
      parts.query = parts.query.filter((p) => !doomed.has(p.key));
    },
  };
  return url;
}

type PostmanBodyInput = string | { mode?: string; raw?: string; urlencoded?: { key: string; value?: string; disabled?: boolean }[]; options?: { raw?: { language?: string } } };

/** Reads never change the body; a write to another kind of body turns it into this form, as in Postman. */
function formList(state: { body: RequestBody }, mode: 'urlencoded' | 'formdata'): PairList {
  const fields = () => (state.body.mode === mode ? (state.body.fields as unknown as HeaderPair[]) : []);
  const list = pairList(fields);
  const writing =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (state.body.mode !== mode) state.body = { mode, fields: [] };
      fn(...args);
      if ('fields' in state.body) for (const field of state.body.fields) field.enabled ??= true;
    };
  return { ...list, add: writing(list.add), upsert: writing(list.upsert), remove: writing(list.remove), clear: writing(list.clear) };
}

function pmBody(state: { body: RequestBody }) {
  const fields = (): KeyValue[] => ('fields' in state.body ? state.body.fields : []);
  const enabledPairs = () => fields().filter((f) => f.enabled);
  return {
    /** Postman's modes: json and text are both "raw", told apart by options.raw.language. */
    get mode() {
      return state.body.mode === 'json' || state.body.mode === 'text' ? 'raw' : state.body.mode;
    },
    get raw() {
      return state.body.mode === 'json' || state.body.mode === 'text' ? state.body.raw : '';
    },
    set raw(text: string) {
      state.body = { mode: state.body.mode === 'json' ? 'json' : 'text', raw: String(text) };
    },
    get options() {
      return state.body.mode === 'json' ? { raw: { language: 'json' } } : state.body.mode === 'text' ? { raw: { language: 'text' } } : {};
    },
    urlencoded: formList(state, 'urlencoded'),
    formdata: formList(state, 'formdata'),
    isEmpty: () => state.body.mode === 'none' || ('fields' in state.body ? enabledPairs().length === 0 : state.body.raw === ''),
    toString: () =>
      'fields' in state.body
        ? enabledPairs().map((f) => `${encodeURIComponent(f.key)}=${encodeURIComponent(f.value)}`).join('&')
        : state.body.mode === 'none'
          ? ''
          : state.body.raw,
    update(input: PostmanBodyInput) {
      if (typeof input === 'string') {
        state.body = { mode: state.body.mode === 'json' ? 'json' : 'text', raw: input };
      } else if (input.mode === 'urlencoded') {
        const list = input.urlencoded ?? [];
        state.body = { mode: 'urlencoded', fields: list.map((f) => ({ key: f.key, value: f.value ?? '', enabled: !f.disabled })) };
      } else if (input.mode === 'raw' || input.raw !== undefined) {
        state.body = { mode: input.options?.raw?.language === 'json' ? 'json' : 'text', raw: input.raw ?? '' };
      } else {
        state.body = { mode: 'none' };
      }
    },
  };
}

type PmUrl = ReturnType<typeof pmUrl>;
type PmBody = ReturnType<typeof pmBody>;

export function createPmRequest(initial: ScriptRequest, readOnly: boolean) {
  const state = {
    method: initial.method,
    url: parseUrl(initial.url),
    headers: initial.headers.map((h) => ({ ...h })),
    body: structuredClone(initial.body),
  };
  const guard = (what: string) => {
    if (readOnly) throw new TypeError(`pm.request.${what} can only be changed in a pre-request script`);
  };
  const headers = pairList(() => state.headers);
  const wrapMutator =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      guard('headers');
      fn(...args);
    };
  const guardedHeaders: PairList = { ...headers, add: wrapMutator(headers.add), upsert: wrapMutator(headers.upsert), remove: wrapMutator(headers.remove), clear: wrapMutator(headers.clear) };
  const body = pmBody(state);
  let url = pmUrl(state.url);

  const request = {
    get url(): PmUrl {
      return url;
    },
    set url(value: unknown) {
      guard('url');
      state.url = parseUrl(String(value));
      url = pmUrl(state.url);
    },
    get method() {
      return state.method;
    },
    set method(value: string) {
      guard('method');
      state.method = String(value).toUpperCase();
    },
    headers: guardedHeaders,
    get body(): PmBody {
      return body;
    },
    set body(value: PostmanBodyInput) {
      guard('body');
      body.update(value);
    },
    addHeader: (h: HeaderPair) => guardedHeaders.add(h),
    upsertHeader: (h: HeaderPair) => guardedHeaders.upsert(h),
    removeHeader: (key: string) => guardedHeaders.remove(key),
    getHeaders: () => guardedHeaders.toObject(),
    toJSON: () => snapshot(),
  };
  const snapshot = (): ScriptRequest => ({
    method: state.method,
    url: urlText(state.url),
    headers: state.headers.map((h) => ({ key: h.key, value: h.value })),
    body: structuredClone(state.body),
  });
  return { request, snapshot };
}
