import type { Explained, PlanNode } from './types.ts';

/**
 * Common to both dialects' plan readers: the learner-facing totals of a plan, and table aliases.
 */

/** usesIndex, scans and the summary lines, from the steps. */
export function explained(plan: PlanNode[]): Explained {
  const scans = [...new Set(plan.filter((n) => n.fullScan && n.table).map((n) => n.table!))];
  return { plan, summary: plan.map((n) => n.summary), usesIndex: plan.some((n) => !!n.index), scans };
}

const NOT_AN_ALIAS = new Set(['WHERE', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'CROSS', 'FULL', 'NATURAL', 'ON', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'SET', 'VALUES', 'RETURNING', 'INDEXED', 'NOT']);

const NAME = '("[^"]+"|`[^`]+`|\\[[^\\]]+\\]|[\\w.]+)';
// A keyword after the table is not its alias, and must stay unread for the next match (FROM a JOIN b x).
const NOT_A_KEYWORD = `(?!(?:${[...NOT_AN_ALIAS].join('|')})\\b)`;
const ALIASES = new RegExp(`\\b(?:FROM|JOIN|UPDATE|INTO)\\s+${NAME}(?:\\s+(?:AS\\s+)?${NOT_A_KEYWORD}${NAME})?`, 'gi');

const unquote = (name: string) => name.replace(/^["`[](.*)["`\]]$/, '$1');

/**
 * `FROM users u` / `JOIN orders AS o` → {u: users, o: orders}. SQLite's plan names a table by its
 * alias only ("SCAN o"); the learner should read the table's name. A best effort on the text: an
 * alias it misses is shown as written.
 */
export function tableAliases(sql: string): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const match of sql.matchAll(ALIASES)) {
    const table = unquote(match[1]!).replace(/^(?:main|temp)\./i, '');
    if (match[2]) aliases.set(unquote(match[2]), table);
  }
  return aliases;
}
