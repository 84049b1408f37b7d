/**
 * `?` placeholders become `$1…` (outside strings, identifiers and comments) unless `$1` is used,
 * so a learner writes the same SQL for SQLite and PostgreSQL. Its own file: the reference
 * explorer uses it on the main thread, where the rest of db.ts (mingo, documents) is not needed.
 */
export function numberPlaceholders(sql: string): string {
  if (/\$1\b/.test(sql)) return sql;
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$\$[\s\S]*?\$\$|\?(?![|&-])/g, (m) => (m === '?' ? `$${++n}` : m));
}
