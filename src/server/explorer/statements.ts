/**
 * Checks on statement text before it reaches a database. They give a learner a clear message;
 * what makes the reference console read-only is the read-only connection or transaction.
 */

const LEADING_SPACE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/;

/** The first keyword, comments and whitespace skipped, upper-case ('' if none). */
export function firstKeyword(sql: string): string {
  return (/^[A-Za-z_]+/.exec(sql.replace(LEADING_SPACE, ''))?.[0] ?? '').toUpperCase();
}

/** `EXPLAIN [QUERY PLAN] <statement>` → the statement; anything else as it is. */
export function withoutExplain(sql: string): string {
  let rest = sql.replace(LEADING_SPACE, '');
  for (const word of ['EXPLAIN', 'QUERY', 'PLAN']) {
    const match = new RegExp(`^${word}\\b`, 'i').exec(rest);
    if (!match) break;
    rest = rest.slice(match[0].length).replace(LEADING_SPACE, '');
  }
  return rest;
}

const READ_ONLY_STARTS = new Set(['SELECT', 'WITH', 'EXPLAIN']);
export const READ_ONLY = 'The reference database is read-only here: only SELECT, WITH and EXPLAIN statements run';

/** The reference console: SELECT, WITH or EXPLAIN only. Throws a message for the learner. */
export function checkReadOnly(sql: string) {
  const keyword = firstKeyword(sql);
  if (!READ_ONLY_STARTS.has(keyword)) throw new Error(`${READ_ONLY}${keyword ? ` (this one starts with ${keyword})` : ''}.`);
}

/** Explain takes the statement itself; the explorer adds EXPLAIN in the dialect's own form. */
export function checkExplainable(sql: string) {
  if (firstKeyword(sql) === 'EXPLAIN') throw new Error('Send the statement without EXPLAIN in front (SELECT …); Explain adds it and reads the plan for you.');
  if (!firstKeyword(sql)) throw new Error('There is no statement to explain.');
}

/** Double-quoted identifier; the name must come from the database's own catalog. */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
