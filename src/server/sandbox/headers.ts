/**
 * What learner code may say to the browser. /sandbox/<id>/… shares the lab's origin, so anything
 * it serves could otherwise act as the lab: read its IndexedDB (workspace keys, saved requests),
 * set origin-wide policies, or be loaded by the lab page as a script. The answer here:
 * - every response is forced into an opaque origin (CSP `sandbox`) with nosniff;
 * - headers that speak for the whole origin, or are the lab's own, are dropped;
 * - cookies and root-relative redirects are moved under /sandbox/<id>, as a reverse proxy that
 *   mounts an app under a prefix does (nginx's proxy_cookie_path, proxy_redirect).
 */

/**
 * Scripts and forms may run in a learner's page, but in an opaque origin: no lab storage, no
 * cookies from document.cookie, no top navigation or popups. Its own fetch calls to the app are
 * cross-origin then, and learner CORS headers are dropped, so APIs are for the lab client and curl.
 */
export const SANDBOX_CSP = "sandbox allow-scripts allow-forms; default-src 'self' 'unsafe-inline' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/**
 * Set on every /sandbox response, after learner code and after the security plugin.
 * No Cross-Origin-Resource-Policy: the lab page is same-origin, so it would not stop the lab from
 * loading a script (the fetch-metadata check below does), while `same-origin` would stop a
 * learner's own page (an opaque origin) from loading its own images and scripts.
 */
export const FORCED_HEADERS: Record<string, string> = {
  'content-security-policy': SANDBOX_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
};

/** Headers that act on the whole origin, weaken the forced ones, or belong to the lab itself. */
const LAB_ONLY = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'strict-transport-security',
  'clear-site-data',
  'service-worker-allowed',
  'origin-agent-cluster',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'nel',
  'report-to',
  'reporting-endpoints',
  'alt-svc',
  'accept-ch',
  'critical-ch',
  'x-request-id',
  'x-trace-id',
]);

/**
 * Where a same-origin request may come from: the lab's fetch (empty), opening or framing the link
 * (the CSP sandboxes the document), and passive media. Anything else (script, worker, style…)
 * would run or apply learner content inside the lab page itself.
 */
const SAME_ORIGIN_DESTINATIONS = new Set(['', 'empty', 'document', 'iframe', 'frame', 'image', 'audio', 'video', 'track', 'font']);

/** Why a request must not reach learner code, or null. Browsers without fetch metadata send neither header. */
export function refusedDestination(headers: Record<string, string | string[] | undefined>): string | null {
  const site = String(headers['sec-fetch-site'] ?? '');
  const dest = String(headers['sec-fetch-dest'] ?? '');
  if (site !== 'same-origin' || SAME_ORIGIN_DESTINATIONS.has(dest)) return null;
  return dest;
}

/** The workspace's URL prefix, without a trailing slash. */
export const workspaceBase = (workspaceId: string) => `/sandbox/${workspaceId}`;

/** Learner headers as they may reach the browser, or dropped (undefined). */
export function learnerHeader(name: string, value: string | string[], workspaceId: string): string | string[] | undefined {
  const key = name.toLowerCase();
  if (LAB_ONLY.has(key) || key.startsWith('access-control-')) return undefined;
  const base = workspaceBase(workspaceId);
  if (key === 'set-cookie') {
    const cookies = (Array.isArray(value) ? value : [value]).map((c) => scopeCookie(c, base));
    return cookies.length > 0 ? cookies : undefined;
  }
  if (key === 'location' && typeof value === 'string') return scopeLocation(value, base);
  return value;
}

/** A root-relative redirect ("/login") is the app's root, so it gets the workspace's prefix. */
export function scopeLocation(location: string, base: string): string {
  // "//host" and "/\host" are absolute (browsers read "\" as "/"): the learner's app may send a visitor anywhere.
  if (!/^\/(?![/\\])/.test(location)) return location;
  const alreadyInside = location.startsWith(base) && /^(?:[/?#]|$)/.test(location.slice(base.length));
  if (alreadyInside) return location;
  return base + location;
}

/**
 * The cookie's Path moved under the workspace (Path=/ → /sandbox/<id>, Path=/a → /sandbox/<id>/a),
 * and no Domain: a cookie must not be sent to the lab or to another workspace.
 */
export function scopeCookie(cookie: string, base: string): string {
  const [pair = '', ...attributes] = cookie.split(';');
  let path = '';
  const kept: string[] = [];
  for (const attribute of attributes) {
    const trimmed = attribute.trim();
    const [rawName = ''] = trimmed.split('=', 1);
    const attributeName = rawName.trim().toLowerCase();
    if (attributeName === 'path') path = trimmed.slice(trimmed.indexOf('=') + 1).trim();
    else if (attributeName !== 'domain' && trimmed) kept.push(trimmed);
  }
  const inside = path === base || path.startsWith(`${base}/`);
  const scoped = inside ? path : path.startsWith('/') && path !== '/' ? base + path : base;
  return [pair.trim(), ...kept, `Path=${scoped}`].join('; ');
}
