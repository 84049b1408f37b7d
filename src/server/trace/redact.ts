/**
 * Secrets never reach a trace. Three nets, because no single one catches everything:
 * names (a header, query parameter, column or field called password/token/hash/…), shapes (a value
 * that looks like a JWT, a password hash or one of our tokens), and known values (the strings a
 * request sent under a secret name, scrubbed wherever they show up again — say in a console line).
 */

import { oneCopy } from './one-copy.ts';

export const REDACTED = '[redacted]';
export const CUT = '[cut: the trace is at its size limit]';

/** Characters of text one trace may hold; then further values are cut. 2,000 traces stay under ~100 MB. */
const TRACE_BUDGET = 24_000;
/** The longest single string kept. */
const MAX_TEXT = 1000;
/** The longest SQL text kept in a step. */
export const MAX_SQL = 4000;

const SECRET_NAME = /pass(word|wd)?|secret|token|hash|api[-_]?key|^key$|authorization|cookie|credential|salt/i;
/** The same, anywhere in a raw query string (where `key` is a whole parameter name). */
const SECRET_IN_QUERY = new RegExp(SECRET_NAME.source.replace('^key$', '(?:^|&)key(?:[=&]|$)'), 'i');
/** Names that match the above but hold no secret. */
const NOT_SECRET_NAME = /_version$|^token_type$|^tokenType$|expires/i;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-workspace-key', 'x-api-key', 'x-auth-token']);

const SECRET_SHAPES = [
  /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, // JWT
  /\$argon2(id|i|d)\$[^\s"']+/g,
  /\$2[abxy]\$\d\d\$[./A-Za-z0-9]{22,53}/g, // bcrypt
  /\b(rt|wk)_[\w-]{20,}/g, // our refresh tokens and workspace keys
  /\b[0-9a-f]{64}\b/gi, // SHA-256 digests (token hashes)
];

/** Any of the shapes, to test once before replacing each. */
const SECRET_SHAPE = new RegExp(SECRET_SHAPES.map((r) => r.source).join('|'), 'i');

/** Text with every value shaped like a secret (a JWT, a password hash, one of our tokens) redacted. */
export function withoutSecretShapes(value: string): string {
  // The shortest shape (a JWT) is 13 characters; most values are shorter and skip the regexes.
  if (value.length < 13 || !SECRET_SHAPE.test(value)) return value;
  let out = value;
  for (const shape of SECRET_SHAPES) out = out.replace(shape, REDACTED);
  return out;
}

export function isSecretName(name: string) {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

type HeaderKind = 'credentials' | 'secret' | 'plain';
/** Header names recur on every request; each is classified once (bounded: names are client-chosen). */
const headerKinds = new Map<string, HeaderKind>();

function headerKind(name: string): HeaderKind {
  let kind = headerKinds.get(name);
  if (kind === undefined) {
    kind = name === 'authorization' || name === 'proxy-authorization' ? 'credentials' : SECRET_HEADERS.has(name) || isSecretName(name) ? 'secret' : 'plain';
    if (headerKinds.size >= 1000) headerKinds.clear();
    headerKinds.set(name, kind);
  }
  return kind;
}

const BEARER_REDACTED = `Bearer ${REDACTED}`;

export class Redactor {
  /** Made on first use: most requests send no secrets. */
  private known: Set<string> | undefined;
  /** What is left of the trace's budget of characters (see `spend`). */
  private budget = TRACE_BUDGET;

  /** A string as kept in the trace: within the longest kept, and within what the trace may still hold. */
  keep(text: string, max = MAX_TEXT): string {
    if (this.budget <= 0) return CUT;
    const kept = text.length > max ? `${text.slice(0, max)}…` : text;
    this.budget -= kept.length;
    return kept;
  }

  /** Text from outside our code (learner output, typed SQL, error messages): redacted, then kept within bounds. */
  scrub(text: string, max = MAX_TEXT): string {
    return this.keep(this.text(text), max);
  }

  /**
   * Learns the secrets a request carries outside its body: the credentials in Authorization, every
   * cookie value, secret headers (X-Api-Key…) and secret-named query parameters — learner code
   * may log them or put them in SQL.
   */
  learnFromRequest(headers: Record<string, string | string[] | undefined>, query: string): void {
    for (const name in headers) {
      const raw = headers[name];
      if (raw === undefined) continue;
      const kind = headerKind(name);
      if (kind === 'plain') continue;
      const value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (kind === 'credentials') this.learn(value.includes(' ') ? value.slice(value.indexOf(' ') + 1).trim() : value);
      else if (name === 'cookie') for (const pair of value.split(';')) this.learn(pair.slice(pair.indexOf('=') + 1).trim());
      else this.learn(value);
    }
    if (query) for (const [name, value] of new URLSearchParams(query)) if (isSecretName(name)) this.learn(value);
  }

  private learn(value: string) {
    // Very short values would redact ordinary words wherever they appear.
    if (value.length >= 4) (this.known ??= new Set()).add(value);
  }

  /** Remembers the values a body sends under secret names (deep), to scrub them later. */
  learnFrom(value: unknown, depth = 0): void {
    if (depth > 5 || !value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' && isSecretName(key)) this.learn(v);
      else if (typeof v === 'object') this.learnFrom(v, depth + 1);
    }
  }

  text(value: string): string {
    let out = withoutSecretShapes(value);
    if (this.known) for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** Any JSON-like value: secret names and secret-looking strings become [redacted]; long ones are cut. */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (!value || typeof value !== 'object') return value;
    if (depth > 4 || this.budget <= 0) return CUT;
    this.budget -= 10;
    if (Array.isArray(value)) return value.slice(0, 50).map((v) => this.value(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>).slice(0, 50)) {
      out[key] = isSecretName(key) && v !== null && typeof v !== 'boolean' ? REDACTED : this.value(v, depth + 1);
    }
    return out;
  }

  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name in headers) {
      const raw = headers[name];
      if (raw === undefined) continue;
      const value = Array.isArray(raw) ? raw.join(', ') : String(raw);
      const kind = headerKind(name);
      if (kind === 'credentials') {
        const space = value.indexOf(' ');
        out[name] = space === -1 ? REDACTED : value.startsWith('Bearer ') ? BEARER_REDACTED : `${value.slice(0, space)} ${REDACTED}`;
      } else if (kind === 'secret') out[name] = REDACTED;
      // Only a long value can hold a token; short ones (accept, host) skip the shape checks.
      else out[name] = oneCopy(value.length >= 32 ? this.scrub(value, 500) : value);
    }
    return out;
  }

  query(query: string): string {
    if (!query) return '';
    // Most queries (limit=20&page=2) name no secret: kept as sent, one copy, without parsing it.
    // A %-escape could spell a secret name, so only a query without one is read as it stands.
    if (!query.includes('%') && !SECRET_IN_QUERY.test(query)) return oneCopy(this.scrub(query, 2000));
    const params = new URLSearchParams(query);
    for (const [name] of params) if (isSecretName(name)) params.set(name, REDACTED);
    return this.scrub(params.toString(), 2000);
  }

  /** SQL parameters: a parameter compared with or inserted into a secret column is redacted. */
  sqlParams(sql: string, params: readonly unknown[]): unknown[] {
    const secret = secretPlaceholders(sql);
    const kept = new Array<unknown>(Math.min(params.length, 50));
    for (let i = 0; i < kept.length; i++) kept[i] = secret[i] && params[i] !== null ? REDACTED : this.value(params[i]);
    return kept;
  }
}

/** The API runs a few dozen distinct statements: which of their placeholders are secret is worked out once. */
const secretByStatement = new Map<string, boolean[]>();

function secretPlaceholders(sql: string): boolean[] {
  let secret = secretByStatement.get(sql);
  if (!secret) {
    secret = placeholderColumns(sql).map((column) => column !== undefined && isSecretName(column));
    if (secretByStatement.size >= 1000) secretByStatement.clear();
    secretByStatement.set(sql, secret);
  }
  return secret;
}

/**
 * The column each placeholder (? or $n) stands for, when the SQL says: `"col" = ?` and friends, or
 * the column list of an INSERT. String literals are skipped.
 */
export function placeholderColumns(sql: string): (string | undefined)[] {
  const columns: (string | undefined)[] = [];
  const insert = /^\s*insert\s+into\s+[^(]+\(([^)]*)\)\s*values/i.exec(sql);
  const insertColumns = insert ? insert[1]!.split(',').map((c) => c.trim().replace(/^["`[]|["`\]]$/g, '')) : null;
  const valuesAt = insert ? insert[0].length : Infinity;
  let inString = false;
  let tupleIndex = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch === "'") inString = !inString;
    if (inString) continue;
    if (i >= valuesAt && ch === '(') tupleIndex = 0;
    const placeholder = ch === '?' ? 1 : ch === '$' && /\d/.test(sql[i + 1] ?? '') ? /^\$\d+/.exec(sql.slice(i))![0].length : 0;
    if (!placeholder) continue;
    if (ch === '$') {
      const n = Number(sql.slice(i + 1, i + placeholder));
      columns[n - 1] = columnFor(sql, i, valuesAt, insertColumns, tupleIndex);
    } else columns.push(columnFor(sql, i, valuesAt, insertColumns, tupleIndex));
    if (i >= valuesAt) tupleIndex++;
    i += placeholder - 1;
  }
  return columns;
}

function columnFor(sql: string, at: number, valuesAt: number, insertColumns: string[] | null, tupleIndex: number) {
  if (insertColumns && at >= valuesAt && !/\)\s*(on\s+conflict|returning|where)/i.test(sql.slice(valuesAt, at))) {
    return insertColumns[tupleIndex % insertColumns.length];
  }
  const before = sql.slice(Math.max(0, at - 80), at);
  const m = /["`]?(\w+)["`]?\s*(=|<>|!=|<=|>=|<|>|\blike|\bin\s*\(\s*(?:(?:\?|\$\d+)\s*,\s*)*)\s*$/i.exec(before);
  return m?.[1];
}
