/** What scripts pass to pm.sendRequest, in Postman's request shape, turned into a ScriptRequest. */
import type { KeyValue, RequestBody } from './model.ts';
import type { HeaderPair, ScriptRequest } from './types.ts';

type PostmanHeaders = { key: string; value?: unknown; disabled?: boolean }[] | Record<string, unknown> | string;

export interface SendRequestOptions {
  url: string | { toString(): string };
  method?: string;
  header?: PostmanHeaders;
  headers?: PostmanHeaders;
  body?: {
    mode?: string;
    raw?: unknown;
    urlencoded?: { key: string; value?: unknown; disabled?: boolean }[];
    options?: { raw?: { language?: string } };
  };
}

function headerPairs(input: PostmanHeaders | undefined): HeaderPair[] {
  if (!input) return [];
  if (typeof input === 'string') {
    return input
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => ({ key: line.slice(0, line.indexOf(':')).trim(), value: line.slice(line.indexOf(':') + 1).trim() }));
  }
  if (Array.isArray(input)) return input.filter((h) => !h.disabled).map((h) => ({ key: String(h.key), value: String(h.value ?? '') }));
  return Object.entries(input).map(([key, value]) => ({ key, value: String(value) }));
}

function body(input: SendRequestOptions['body']): RequestBody {
  if (!input) return { mode: 'none' };
  if (input.mode === 'urlencoded') {
    const fields: KeyValue[] = (input.urlencoded ?? []).map((f) => ({ key: String(f.key), value: String(f.value ?? ''), enabled: !f.disabled }));
    return { mode: 'urlencoded', fields };
  }
  if (input.mode === 'raw' || input.raw !== undefined) {
    // Postman wants a string; an object is what a learner most likely meant as JSON, so send it as such.
    if (input.raw !== null && typeof input.raw === 'object') return { mode: 'json', raw: JSON.stringify(input.raw) };
    return { mode: input.options?.raw?.language === 'json' ? 'json' : 'text', raw: String(input.raw ?? '') };
  }
  if (input.mode && input.mode !== 'none') throw new TypeError(`pm.sendRequest: body mode '${input.mode}' is not supported here (use raw or urlencoded)`);
  return { mode: 'none' };
}

export function fromSendRequestOptions(input: string | SendRequestOptions): ScriptRequest {
  if (typeof input === 'string') return { method: 'GET', url: input, headers: [], body: { mode: 'none' } };
  if (!input || typeof input !== 'object' || input.url === undefined) throw new TypeError('pm.sendRequest needs a URL or a request object with a url');
  return {
    method: String(input.method ?? 'GET').toUpperCase(),
    url: String(input.url),
    headers: headerPairs(input.header ?? input.headers),
    body: body(input.body),
  };
}
