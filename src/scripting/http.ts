/** Sending a resolved request with fetch, in the browser (Worker) and in Node alike. */
import { reasonPhrase } from './reasons.ts';
import type { ScriptRequest, ScriptResponse } from './types.ts';

export interface SendOptions {
  signal?: AbortSignal;
  /** Another fetch (tests, a CLI with a proxy); the global one by default. */
  fetch?: typeof fetch;
}

/** fetch refuses a body on GET and HEAD; Postman sends none there either. */
export const sendsBody = (method: string) => method !== 'GET' && method !== 'HEAD';

function encodeBody(request: ScriptRequest): string | FormData | undefined {
  if (!sendsBody(request.method)) return undefined;
  const body = request.body;
  if (body.mode === 'json' || body.mode === 'text') return body.raw;
  if (body.mode === 'urlencoded') {
    return new URLSearchParams(body.fields.filter((f) => f.enabled).map((f) => [f.key, f.value])).toString();
  }
  if (body.mode === 'formdata') {
    const form = new FormData();
    for (const field of body.fields) if (field.enabled) form.append(field.key, field.value);
    return form;
  }
  return undefined;
}

/** An HTTP error status is a response like any other; only a failure to get one rejects. */
export async function sendHttp(request: ScriptRequest, options: SendOptions = {}): Promise<ScriptResponse> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new Error(`Invalid URL "${request.url}": is a {{variable}} undefined?`);
  }
  const headers = new Headers();
  for (const { key, value } of request.headers) {
    try {
      headers.append(key, value);
    } catch {
      throw new Error(`Invalid header "${key}": names and values must be plain text on one line`);
    }
  }
  const started = performance.now();
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await (options.fetch ?? fetch)(url, { method: request.method, headers, body: encodeBody(request), signal: options.signal, redirect: 'follow' });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    // Node hides the reason (ECONNREFUSED…) in `cause`; the browser gives none, for privacy.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new Error(`Could not send ${request.method} ${url.href}: ${detail}`);
  }
  const responseTime = Math.round(performance.now() - started);
  const responseHeaders: { key: string; value: string }[] = [];
  response.headers.forEach((value, key) => responseHeaders.push({ key, value }));
  return {
    code: response.status,
    status: response.statusText || reasonPhrase(response.status),
    headers: responseHeaders,
    body: new TextDecoder().decode(bytes),
    responseTime,
    size: bytes.byteLength,
  };
}
