import { Redactor } from '../trace/redact.ts';
import { quoteIdent } from './statements.ts';

/**
 * Secrets never leave the reference database through the explorer. Three nets, because a name
 * alone is beaten by an expression (`password_hash || ''`):
 *  - refusal: a statement that reads a secret column at all — in its result, a filter, a sort, an
 *    index walk — is not run (sqlite-guard.ts; on PostgreSQL the reader role's column privileges,
 *    pg-reader.ts);
 *  - names (here): which columns are secret. The lab's own are named so (password_hash, token_hash,
 *    key_hash); the rows view shows them as "[redacted]";
 *  - shapes: any value that looks like a password hash, a JWT, one of our tokens or a SHA-256 digest
 *    is redacted wherever it sits (a token in a logged URL, a JWT someone saved in their settings).
 *    The patterns are the trace's (trace/redact.ts), so both say the same.
 */

const SECRET_NAME = /password|passwd|hash|secret|token|salt|api_?key/i;
/** Named like a secret, holding none: token_version is a counter, token_type a kind, *_expires_at a date. */
const NOT_SECRET_NAME = /_version$|_type$|expires/i;
export const REDACTED = '[redacted]';

export const isSecretColumn = (name: string | null | undefined) => !!name && SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);

/** A select list with the secret columns as the constant "[redacted]": what the rows view reads. */
export const projection = (columns: string[]) => columns.map((c) => (isSecretColumn(c) ? `'${REDACTED}' AS ${quoteIdent(c)}` : quoteIdent(c))).join(', ');

/** What a learner reads when a statement touches a secret column, on either database. */
export function secretRefusal(what: string, table: string, secretColumns: string[]) {
  const columns = secretColumns.length > 0 ? ` (${secretColumns.map((c) => `${table}.${c}`).join(', ')})` : '';
  return `${what}: the reference console does not read secret columns${columns} at all, not in an expression, a filter or a sort either. Name the columns you need; SELECT * includes them.`;
}

// Stateless: a Redactor learns known values only through learnFrom, which this one never hears.
const shapes = new Redactor();

export const redactShapesInText = (text: string) => shapes.text(text);

/** Every string in a value, deep (PostgreSQL hands jsonb over as objects). */
function redactShapesIn(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return shapes.text(value);
  if (!value || typeof value !== 'object') return value;
  if (depth > 32) return shapes.text(JSON.stringify(value));
  if (Array.isArray(value)) return value.map((v) => redactShapesIn(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactShapesIn(v, depth + 1)]));
}

export const redactShapes = (rows: unknown[][]) => rows.map((row) => row.map((value) => redactShapesIn(value, 0)));

/**
 * A value as JSON can carry it: binary as its size, 64-bit integers as text (exactly, unlike a
 * double), dates as ISO text.
 */
export function plainValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  return value;
}

export const plainRows = (rows: unknown[][]) => rows.map((row) => row.map(plainValue));
