/**
 * What the Journey tab says about a trace: durations, the step that refused the request and why,
 * the one-line summary, bar positions on the time scale, and SQL split into tokens to colour.
 * Plain functions, so they are tested without a browser.
 */
import type { Trace, TraceStep } from '../../server/trace/types.ts';

/** "0.4 ms" under 10 ms, "12 ms" above, "1.25 s" from a second. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '? ms';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 42 → "42 seconds", 190 → "3 minutes", 7300 → "2 hours". */
export function formatAgo(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return plural(s, 'second');
  if (s < 3600) return plural(Math.round(s / 60), 'minute');
  if (s < 86_400) return plural(Math.round(s / 3600), 'hour');
  return plural(Math.round(s / 86_400), 'day');
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The step that stopped the request: the first one denied, else the first that failed. */
export function refusingStep(trace: Trace): TraceStep | undefined {
  // A console.error line is the app speaking, not a step that failed; the error step says what did.
  return trace.steps.find((s) => s.outcome === 'denied') ?? trace.steps.find((s) => s.outcome === 'error' && s.kind !== 'console');
}

/**
 * Why a step denied or failed, for a person: the server's own sentence when it sent one, else one
 * made from the step's detail. Steps that went well have none.
 */
export function stepExplanation(step: TraceStep): string | undefined {
  const d = step.detail ?? {};
  const given = text(d.explanation);
  if (given) return given;
  if (step.outcome !== 'denied' && step.outcome !== 'error') return undefined;
  switch (step.kind) {
    case 'auth': {
      const ago = number(d.expiredSecondsAgo);
      if (ago !== undefined) return `the token expired ${formatAgo(ago)} ago — log in again or refresh it`;
      return text(d.reason) ?? 'no valid access token came with the request — log in and send it as "Authorization: Bearer <token>"';
    }
    case 'rate-limit': {
      const limit = number(d.limit);
      const reset = number(d.resetSeconds);
      const what = d.bucket === 'auth' ? 'sign-in requests' : 'requests';
      if (limit !== undefined) return `${limit} ${what} per minute from you${reset !== undefined ? `; try again in ${Math.ceil(reset)} s` : ''}`;
      return text(d.reason) ?? 'too many requests from you; wait before trying again';
    }
    case 'authorize':
      return text(d.reason) ?? (text(d.rule) ? `this is "${String(d.rule)}", and you are not allowed` : 'you are logged in, but not allowed to do this');
    case 'validate': {
      const errors = Array.isArray(d.errors) ? (d.errors as { path?: unknown; message?: unknown }[]) : [];
      if (errors.length) return errors.map((e) => `${String(e.path ?? '')} ${String(e.message ?? '')}`.trim()).join('; ');
      return text(d.reason) ?? 'the request does not have the shape this route expects';
    }
    case 'sql':
      return text(d.error) ?? 'the database refused the statement';
    case 'error':
      return text(d.message) ? `${text(d.name) ?? 'Error'}: ${String(d.message)}` : undefined;
    case 'console':
      // The line itself is shown in full below the step.
      return undefined;
    default:
      return text(d.reason) ?? text(d.message) ?? text(d.error);
  }
}

/** "401 — refused at auth: the token expired 3 minutes ago — …", or how long a good request took. */
export function journeySummary(trace: Trace): string {
  const step = refusingStep(trace);
  if (step) {
    // The server's sentences start with the status ("401: …"), which the summary already says.
    const why = stepExplanation(step)?.replace(/^\d{3}:\s*/, '');
    return `${trace.status} — ${step.outcome === 'denied' ? 'refused' : 'failed'} at ${step.kind}${why ? `: ${why}` : ''}`;
  }
  const sql = trace.steps.filter((s) => s.kind === 'sql').length;
  return `${trace.status} — ${trace.method} ${trace.path} took ${formatMs(trace.durationMs)}: ${plural(trace.steps.length, 'step')}, ${plural(sql, 'SQL statement')}`;
}

/** The time the timeline spans: the request, or its last step if that ends later. */
export function timelineSpan(trace: Trace): number {
  return Math.max(trace.durationMs, ...trace.steps.map((s) => s.startMs + s.durationMs), 0);
}

/** A step's bar on the timeline, in percent of the span (the CSS gives it a minimum width). */
export function barGeometry(step: TraceStep, span: number): { left: number; width: number } {
  const scale = span > 0 ? span : 1;
  const clamp = (v: number, max: number) => Math.min(Math.max(Number.isFinite(v) ? v : 0, 0), max);
  const left = clamp((step.startMs / scale) * 100, 100);
  return { left, width: clamp((step.durationMs / scale) * 100, 100 - left) };
}

// -----------------------------------------------------------------------------------------------
// SQL, split into tokens to colour. Not a parser: enough to tell keywords, strings, numbers,
// quoted names, parameters and comments apart, in SQLite's and PostgreSQL's spelling.

export type SqlTokenType = 'keyword' | 'string' | 'number' | 'identifier' | 'param' | 'comment' | 'other';

export interface SqlToken {
  type: SqlTokenType;
  text: string;
}

const KEYWORDS = new Set(
  `abort action add after all alter analyze and as asc attach autoincrement before begin between by cascade case cast check collate column
  commit conflict constraint create cross current_date current_time current_timestamp database default deferrable deferred delete desc
  detach distinct do drop each else end escape except exclusive exists explain fail filter following for foreign from full glob group
  having if ignore immediate in index indexed initially inner insert instead intersect into is isnull join key last left like limit
  match natural no not nothing notnull null nulls of offset on or order outer over partition plan pragma preceding primary query
  raise range recursive references regexp reindex release rename replace restrict returning right rollback row rows savepoint select
  set table temp temporary then ties to transaction trigger unbounded union unique update using vacuum values view virtual when where
  window with without true false ilike lateral serial bigserial integer int bigint smallint text varchar char real double precision
  numeric boolean blob timestamp timestamptz date jsonb json count sum avg min max coalesce lower upper`.split(/\s+/),
);

const SQL_TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?|`[^`]*`?)|(\?\d*|\$\d+|(?<!:):[A-Za-z_]\w*|@[A-Za-z_]\w*)|(\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b)|([A-Za-z_][\w$]*)|(\s+|[^\sA-Za-z_\d'"`?$:@-]+|.)/g;

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const push = (type: SqlTokenType, value: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.type === type && type === 'other') last.text += value;
    else tokens.push({ type, text: value });
  };
  for (const m of sql.matchAll(SQL_TOKEN)) {
    const [all, comment, string, quoted, param, num, word] = m;
    if (comment !== undefined) push('comment', all);
    else if (string !== undefined) push('string', all);
    else if (quoted !== undefined) push('identifier', all);
    else if (param !== undefined) push('param', all);
    else if (num !== undefined) push('number', all);
    else if (word !== undefined) push(KEYWORDS.has(word.toLowerCase()) ? 'keyword' : 'other', all);
    else push('other', all);
  }
  return tokens;
}
