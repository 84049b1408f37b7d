/**
 * `?` placeholders become `$1…` (outside strings, identifiers and comments) unless `$n` is used,
 * so a learner writes the same SQL for SQLite and PostgreSQL. Its own file: the reference
 * explorer uses it on the main thread, where the rest of db.ts (mingo, documents) is not needed.
 */
export function numberPlaceholders(sql: string): string {
  if (hasNumberedPlaceholders(sql)) return sql;
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$\$[\s\S]*?\$\$|\?(?![|&-])/g, (m) => (m === '?' ? `$${++n}` : m));
}

/** Strings, quoted identifiers, comments and dollar-quoted bodies: no placeholder lives in them. */
const OPAQUE = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$\$[\s\S]*?\$\$/g;

/**
 * Whether SQL numbers its placeholders (`$1`, or SQLite's `?1`) outside strings and comments.
 * SQLite takes those as the named parameters "1", "2"…, so there an array of values is bound by
 * those names (db.ts).
 */
export function hasNumberedPlaceholders(sql: string): boolean {
  return /(?<![\w$])[$?]\d+\b/.test(sql.replace(OPAQUE, ' '));
}
