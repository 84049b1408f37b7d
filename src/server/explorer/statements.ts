/**
 * Checks on statement text before it reaches a database. They give a learner a clear message;
 * what makes the reference console read-only is the read-only connection or transaction.
 */

/** The first keyword, comments and whitespace skipped, upper-case ('' if none). */
export function firstKeyword(sql: string): string {
  const rest = sql.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?(?:\*\/|$))*/, '');
  return (/^[A-Za-z_]+/.exec(rest)?.[0] ?? '').toUpperCase();
}

const READ_ONLY_STARTS = new Set(['SELECT', 'WITH', 'EXPLAIN']);

/** The reference console: SELECT, WITH or EXPLAIN only. Throws a message for the learner. */
export function checkReadOnly(sql: string) {
  const keyword = firstKeyword(sql);
  if (!READ_ONLY_STARTS.has(keyword)) {
    throw new Error(`The reference database is read-only here: only SELECT, WITH and EXPLAIN statements run${keyword ? ` (this one starts with ${keyword})` : ''}.`);
  }
}

/** Explain takes the statement itself; the explorer adds EXPLAIN in the dialect's own form. */
export function checkExplainable(sql: string) {
  if (firstKeyword(sql) === 'EXPLAIN') throw new Error('Send the statement without EXPLAIN in front (SELECT …); Explain adds it and reads the plan for you.');
  if (!firstKeyword(sql)) throw new Error('There is no statement to explain.');
}

/** Double-quoted identifier; the name must come from the database's own catalog. */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
