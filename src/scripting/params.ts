import type { KeyValue } from './model.ts';

/**
 * The query table and the URL edit the same thing. The URL holds the enabled parameters (what is
 * sent, as Postman's raw URL does); the table also keeps the disabled ones, stored on the request.
 * The URL may hold {{variables}}, so it is split by hand rather than with URL, which would
 * percent-encode the braces.
 */

/** The URL in three parts; a fragment comes last and may itself contain "?". */
function splitUrl(url: string): { base: string; query: string | undefined; hash: string } {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const at = beforeHash.indexOf('?');
  return at === -1 ? { base: beforeHash, query: undefined, hash } : { base: beforeHash.slice(0, at), query: beforeHash.slice(at + 1), hash };
}

export function paramsFromUrl(url: string): KeyValue[] {
  const { query } = splitUrl(url);
  if (!query) return [];
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    return { key: safeDecode(key), value: safeDecode(value), enabled: true };
  });
}

/** The URL with its query rebuilt from the enabled rows; the fragment stays. */
export function urlWithParams(url: string, params: KeyValue[]): string {
  const { base, hash } = splitUrl(url);
  const query = params
    .filter((p) => p.enabled && (p.key !== '' || p.value !== ''))
    .map((p) => (p.value === '' && p.key !== '' ? encodePart(p.key) + '=' : `${encodePart(p.key)}=${encodePart(p.value)}`))
    .join('&');
  return (query ? `${base}?${query}` : base) + hash;
}

/**
 * The table to show: the URL's parameters, with the stored disabled rows back where they were
 * among them. The URL wins for enabled rows, so a URL typed or changed by a script is never
 * contradicted by an older table.
 */
export function queryTable(url: string, stored: KeyValue[] | undefined): KeyValue[] {
  const fromUrl = paramsFromUrl(url);
  if (!stored?.some((p) => !p.enabled)) return fromUrl;
  const table: KeyValue[] = [];
  let next = 0;
  for (const row of stored) {
    if (!row.enabled) table.push(row);
    else if (next < fromUrl.length) table.push(fromUrl[next++]!);
  }
  return [...table, ...fromUrl.slice(next)];
}

/** What a request stores for its table: nothing unless a row is disabled (the URL has the rest). */
export const storedParams = (table: KeyValue[]): KeyValue[] | undefined => (table.some((p) => !p.enabled) ? table : undefined);

const encodePart = (text: string) => text.replace(/[^{}$\w.~-]/g, (c) => encodeURIComponent(c));

function safeDecode(text: string) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
