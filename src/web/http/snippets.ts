/**
 * "Copy as curl" and "Copy as fetch", from the request as the pipeline resolves it for sending
 * (variables, auth, content type), so the copy sends what Send sends.
 */
import { sendsBody } from '../../scripting/http.ts';
import type { ScriptRequest } from '../../scripting/types.ts';

export interface PlainRequest {
  method: string;
  url: string;
  headers: { key: string; value: string }[];
  body?: string;
  /** multipart/form-data text fields, in place of body. */
  form?: { key: string; value: string }[];
}

export function plainRequest(request: ScriptRequest): PlainRequest {
  const plain: PlainRequest = { method: request.method, url: request.url, headers: request.headers };
  const body = request.body;
  if (!sendsBody(request.method)) return plain;
  if (body.mode === 'json' || body.mode === 'text') plain.body = body.raw;
  if (body.mode === 'urlencoded') plain.body = new URLSearchParams(body.fields.filter((f) => f.enabled).map((f) => [f.key, f.value])).toString();
  if (body.mode === 'formdata') plain.form = body.fields.filter((f) => f.enabled).map(({ key, value }) => ({ key, value }));
  return plain;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function toCurl(request: PlainRequest): string {
  const parts = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  for (const h of request.headers) parts.push(`-H ${shellQuote(`${h.key}: ${h.value}`)}`);
  if (request.body) parts.push(`--data-raw ${shellQuote(request.body)}`);
  // --form-string, not -F: curl would read a file for a value that starts with @ or <.
  for (const f of request.form ?? []) parts.push(`--form-string ${shellQuote(`${f.key}=${f.value}`)}`);
  return parts.join(' \\\n  ');
}

export function toFetch(request: PlainRequest): string {
  const init: Record<string, unknown> = { method: request.method };
  if (request.headers.length > 0) init.headers = Object.fromEntries(request.headers.map((h) => [h.key, h.value]));
  if (request.body) init.body = request.body;
  const call = (initText: string) => `fetch(${JSON.stringify(request.url)}, ${initText})\n  .then((response) => response.json())\n  .then((data) => console.log(data));`;
  if (!request.form) return call(JSON.stringify(init, null, 2));
  const appends = request.form.map((f) => `form.append(${JSON.stringify(f.key)}, ${JSON.stringify(f.value)});`).join('\n');
  const initText = `${JSON.stringify(init, null, 2).slice(0, -2)},\n  body: form\n}`;
  return `const form = new FormData();\n${appends}\n${call(initText)}`;
}
