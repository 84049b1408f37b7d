/** "Copy as curl" and "Copy as fetch" from a request whose variables are already resolved. */
export interface PlainRequest {
  method: string;
  url: string;
  headers: { key: string; value: string }[];
  body?: string;
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function toCurl(request: PlainRequest): string {
  const parts = [`curl -X ${request.method} ${shellQuote(request.url)}`];
  for (const h of request.headers) parts.push(`-H ${shellQuote(`${h.key}: ${h.value}`)}`);
  if (request.body) parts.push(`--data-raw ${shellQuote(request.body)}`);
  return parts.join(' \\\n  ');
}

export function toFetch(request: PlainRequest): string {
  const init: Record<string, unknown> = { method: request.method };
  if (request.headers.length > 0) init.headers = Object.fromEntries(request.headers.map((h) => [h.key, h.value]));
  if (request.body) init.body = request.body;
  return `fetch(${JSON.stringify(request.url)}, ${JSON.stringify(init, null, 2)})\n  .then((response) => response.json())\n  .then((data) => console.log(data));`;
}
