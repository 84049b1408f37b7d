/**
 * From a request as typed to the request sent: variables substituted, auth turned into a header,
 * a relative URL placed on the lab server, a content type where the body needs one.
 */
import type { LabRequest, RequestAuth, RequestBody } from './model.ts';
import type { HeaderPair, ScriptRequest, VariableScopes } from './types.ts';
import { sendsBody } from './http.ts';
import { replaceVariables } from './variables.ts';

/** The request as pre-request scripts see it: enabled headers only, nothing resolved yet. */
export function toScriptRequest(request: LabRequest): ScriptRequest {
  return {
    method: request.method.toUpperCase(),
    url: request.url,
    headers: request.headers.filter((h) => h.enabled && h.key.trim() !== '').map((h) => ({ key: h.key, value: h.value })),
    body: structuredClone(request.body),
  };
}

/**
 * `/api/me` goes to baseUrl; `localhost:3000/x` or `example.com/x` get http:// as Postman does;
 * anything with a scheme is left alone.
 */
export function absoluteUrl(url: string, baseUrl: string): string {
  const trimmed = url.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return trimmed;
  if (/^(localhost|[\w-]+(\.[\w-]+)+|\d{1,3}(\.\d{1,3}){3})(:\d+)?([/?#]|$)/i.test(trimmed)) return `http://${trimmed}`;
  try {
    return new URL(trimmed, baseUrl).href;
  } catch {
    return trimmed; // sendHttp reports the bad URL with its own message
  }
}

const hasHeader = (headers: HeaderPair[], name: string) => headers.some((h) => h.key.toLowerCase() === name.toLowerCase());

/** No entry for form-data: fetch writes its content type, with the boundary it chose. */
const CONTENT_TYPES: Partial<Record<RequestBody['mode'], string>> = {
  json: 'application/json',
  text: 'text/plain',
  urlencoded: 'application/x-www-form-urlencoded',
};

/**
 * A body's content type unless the user chose one: the header they typed is what they meant.
 * None on GET and HEAD, whose body is never sent.
 */
export function withContentType(request: ScriptRequest): ScriptRequest {
  const type = CONTENT_TYPES[request.body.mode];
  if (!type || !sendsBody(request.method.toUpperCase()) || hasHeader(request.headers, 'content-type')) return request;
  return { ...request, headers: [...request.headers, { key: 'Content-Type', value: type }] };
}

function resolveBody(body: RequestBody, scopes: VariableScopes): RequestBody {
  switch (body.mode) {
    case 'json':
    case 'text':
      return { mode: body.mode, raw: replaceVariables(body.raw, scopes) };
    case 'urlencoded':
    case 'formdata':
      return {
        mode: body.mode,
        fields: body.fields.filter((f) => f.enabled).map((f) => ({ key: replaceVariables(f.key, scopes), value: replaceVariables(f.value, scopes), enabled: true })),
      };
    default:
      return { mode: 'none' };
  }
}

/** Base64 of the UTF-8 bytes, as RFC 7617 asks of Basic credentials (btoa alone takes Latin-1 only). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

const withQueryParam = (url: string, key: string, value: string) => {
  const hashAt = url.indexOf('#');
  const [beforeHash, hash] = hashAt === -1 ? [url, ''] : [url.slice(0, hashAt), url.slice(hashAt)];
  const pair = `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
  return `${beforeHash}${beforeHash.includes('?') ? '&' : '?'}${pair}${hash}`;
};

/** The auth tab as a header or a query parameter. A header typed by hand wins, so what the user sees is what is sent. */
function applyAuth(headers: HeaderPair[], url: string, auth: RequestAuth, scopes: VariableScopes): string {
  const resolve = (text: string) => replaceVariables(text, scopes);
  switch (auth.type) {
    case 'bearer':
      if (!hasHeader(headers, 'authorization')) headers.push({ key: 'Authorization', value: `Bearer ${resolve(auth.token).trim()}` });
      return url;
    case 'basic':
      if (!hasHeader(headers, 'authorization')) headers.push({ key: 'Authorization', value: `Basic ${base64Utf8(`${resolve(auth.username)}:${resolve(auth.password)}`)}` });
      return url;
    case 'apikey': {
      const key = resolve(auth.key).trim();
      if (key === '') return url;
      if (auth.in === 'query') return withQueryParam(url, key, resolve(auth.value));
      if (!hasHeader(headers, key)) headers.push({ key, value: resolve(auth.value) });
      return url;
    }
    default:
      return url;
  }
}

/** Resolves a request after its pre-request scripts ran (they may have changed it and the variables). */
export function resolveScriptRequest(request: ScriptRequest, auth: RequestAuth, scopes: VariableScopes, baseUrl: string): ScriptRequest {
  const headers = request.headers.map((h) => ({ key: replaceVariables(h.key, scopes), value: replaceVariables(h.value, scopes) }));
  const url = applyAuth(headers, replaceVariables(request.url, scopes), auth, scopes);
  return withContentType({
    method: request.method.toUpperCase(),
    url: absoluteUrl(url, baseUrl),
    headers,
    body: resolveBody(request.body, scopes),
  });
}

export function resolveRequest(request: LabRequest, scopes: VariableScopes, baseUrl: string): ScriptRequest {
  return resolveScriptRequest(toScriptRequest(request), request.auth, scopes, baseUrl);
}
