/**
 * From a request as typed to the request sent: variables substituted, auth turned into a header,
 * a relative URL placed on the lab server, a content type where the body needs one.
 */
import type { LabRequest, RequestAuth, RequestBody } from './model.ts';
import type { HeaderPair, ScriptRequest, VariableScopes } from './types.ts';
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

const CONTENT_TYPES: Partial<Record<RequestBody['mode'], string>> = {
  json: 'application/json',
  text: 'text/plain',
  urlencoded: 'application/x-www-form-urlencoded',
};

/** A body's content type unless the user chose one: the header they typed is what they meant. */
export function withContentType(request: ScriptRequest): ScriptRequest {
  const type = CONTENT_TYPES[request.body.mode];
  if (!type || hasHeader(request.headers, 'content-type')) return request;
  return { ...request, headers: [...request.headers, { key: 'Content-Type', value: type }] };
}

function resolveBody(body: RequestBody, scopes: VariableScopes): RequestBody {
  switch (body.mode) {
    case 'json':
    case 'text':
      return { mode: body.mode, raw: replaceVariables(body.raw, scopes) };
    case 'urlencoded':
      return {
        mode: 'urlencoded',
        fields: body.fields.filter((f) => f.enabled).map((f) => ({ key: replaceVariables(f.key, scopes), value: replaceVariables(f.value, scopes), enabled: true })),
      };
    default:
      return { mode: 'none' };
  }
}

/** Resolves a request after its pre-request scripts ran (they may have changed it and the variables). */
export function resolveScriptRequest(request: ScriptRequest, auth: RequestAuth, scopes: VariableScopes, baseUrl: string): ScriptRequest {
  const headers = request.headers.map((h) => ({ key: replaceVariables(h.key, scopes), value: replaceVariables(h.value, scopes) }));
  // An Authorization header typed by hand wins over the auth tab, so what the user sees is what is sent.
  if (auth.type === 'bearer' && !hasHeader(headers, 'authorization')) {
    headers.push({ key: 'Authorization', value: `Bearer ${replaceVariables(auth.token, scopes).trim()}` });
  }
  return withContentType({
    method: request.method.toUpperCase(),
    url: absoluteUrl(replaceVariables(request.url, scopes), baseUrl),
    headers,
    body: resolveBody(request.body, scopes),
  });
}

export function resolveRequest(request: LabRequest, scopes: VariableScopes, baseUrl: string): ScriptRequest {
  return resolveScriptRequest(toScriptRequest(request), request.auth, scopes, baseUrl);
}
