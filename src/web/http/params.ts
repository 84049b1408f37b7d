import type { KeyValue } from '../../scripting/model.ts';

/**
 * The query table and the URL field edit the same thing. The URL may hold {{variables}}, so it is
 * split by hand rather than with URL, which would percent-encode the braces.
 */
export function paramsFromUrl(url: string): KeyValue[] {
  const at = url.indexOf('?');
  if (at === -1) return [];
  const query = url.slice(at + 1).split('#')[0] ?? '';
  if (query === '') return [];
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? '' : pair.slice(eq + 1);
    return { key: safeDecode(key), value: safeDecode(value), enabled: true };
  });
}

export function urlWithParams(url: string, params: KeyValue[]): string {
  const base = url.split('?')[0] ?? '';
  const query = params
    .filter((p) => p.enabled && (p.key !== '' || p.value !== ''))
    .map((p) => (p.value === '' && p.key !== '' ? encodePart(p.key) + '=' : `${encodePart(p.key)}=${encodePart(p.value)}`))
    .join('&');
  return query ? `${base}?${query}` : base;
}

const encodePart = (text: string) => text.replace(/[^{}$\w.~-]/g, (c) => encodeURIComponent(c));

function safeDecode(text: string) {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
