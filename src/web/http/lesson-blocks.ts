import type { KeyValue, LabRequest } from '../../scripting/model.ts';
import { newRequest } from '../state/store.ts';

/**
 * A lesson's ```http block: "METHOD /path", header lines, a blank line, then the body.
 * The ```tests block after it becomes the request's Tests script.
 */
export function requestFromBlock(text: string, tests = '', name?: string): LabRequest {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = (lines.shift() ?? '').trim();
  const [method = 'GET', ...rest] = first.split(/\s+/);
  const url = rest.join(' ');
  const headers: KeyValue[] = [];
  while (lines.length > 0 && lines[0]!.trim() !== '') {
    const line = lines.shift()!;
    const colon = line.indexOf(':');
    if (colon > 0) headers.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim(), enabled: true });
  }
  const raw = lines.join('\n').trim();
  const isJson = headers.some((h) => h.key.toLowerCase() === 'content-type' && h.value.includes('json')) || /^[[{]/.test(raw);
  return newRequest({
    name: name ?? `${method.toUpperCase()} ${url}`,
    method: method.toUpperCase(),
    url,
    // The body editor sets Content-Type for JSON itself.
    headers: isJson ? headers.filter((h) => h.key.toLowerCase() !== 'content-type') : headers,
    body: raw === '' ? { mode: 'none' } : isJson ? { mode: 'json', raw } : { mode: 'text', raw },
    scripts: { preRequest: '', tests },
  });
}
