import { explained, tableAliases } from './plan.ts';
import type { Explained, PlanNode } from './types.ts';

/**
 * SQLite's EXPLAIN QUERY PLAN rows (id, parent, detail) → plan steps a learner can read.
 * The detail texts are SQLite's (where.c, select.c); the common ones get a sentence, the rest are
 * passed on as they are.
 */

export interface EqpRow {
  id: number;
  parent: number;
  detail: string;
}

const SCAN_OR_SEARCH = /^(SCAN|SEARCH) (\S+)(?: AS (\S+))?(?: USING (AUTOMATIC )?(?:(?:COVERING|PARTIAL) )*(?:INDEX ([^\s(]\S*)|INDEX|(INTEGER PRIMARY KEY|PRIMARY KEY)))?(?: \((.*)\))?/;

export function readSqlitePlan(rows: EqpRow[], sql: string): Explained {
  const aliases = tableAliases(sql);
  return explained(rows.map((row) => step(row, aliases)));
}

function step(row: EqpRow, aliases: Map<string, string>): PlanNode {
  const base = { id: Number(row.id), parent: Number(row.parent), detail: String(row.detail) };
  const match = SCAN_OR_SEARCH.exec(base.detail);
  if (!match) return { ...base, summary: other(base.detail), fullScan: false };
  const [, verb, name, alias, automatic, index, primaryKey, condition] = match;
  const covering = /\bCOVERING INDEX\b/.test(base.detail);
  // Older SQLite says "SCAN users AS u", newer says "SCAN u".
  const table = alias ? name! : (aliases.get(name!) ?? name!);
  const on = condition ? ` (${condition})` : '';
  if (automatic) {
    return { ...base, table, fullScan: verb === 'SCAN', summary: `Builds a temporary index on ${table} for this query only${on}; a real index on those columns would save that work` };
  }
  if (verb === 'SCAN') {
    if (index) {
      return { ...base, table, index, fullScan: true, summary: `Reads all of ${table} in the order of the index ${index}${covering ? ', without reading the table itself (the index has every column needed)' : ''}` };
    }
    if (name === 'CONSTANT') return { ...base, summary: 'Computes one row of values; no table is read', fullScan: false };
    return { ...base, table, fullScan: true, summary: `Reads every row of ${table} (a full scan)` };
  }
  // The primary key is the table's own b-tree: a search by it is an index search too.
  if (primaryKey) return { ...base, table, index: 'primary key', fullScan: false, summary: `Finds rows in ${table} directly by its primary key${on}` };
  if (index) {
    return { ...base, table, index, fullScan: false, summary: `Finds rows in ${table} through the index ${index}${on}${covering ? ', without reading the table itself' : ''}` };
  }
  return { ...base, table, fullScan: false, summary: `Finds rows in ${table}${on}` };
}

function other(detail: string): string {
  const temp = /^USE TEMP B-TREE FOR (.+)$/.exec(detail);
  if (temp) return `Sorts the rows for ${temp[1]} in a temporary structure (no index gives this order)`;
  const inIndex = /^USING (?:ROWID SEARCH|INDEX (\S+)) FOR IN-OPERATOR$/.exec(detail);
  if (inIndex) return `Checks IN (…) values through ${inIndex[1] ? `the index ${inIndex[1]}` : 'the row ids'}`;
  if (/^(?:CORRELATED )?(?:SCALAR )?SUBQUERY/.test(detail) || /^LIST SUBQUERY/.test(detail)) return `Runs a subquery: ${detail.toLowerCase()}`;
  if (/^(?:CO-ROUTINE|MATERIALIZE)/.test(detail)) return `Prepares an intermediate result: ${detail.toLowerCase()}`;
  if (/^COMPOUND QUERY|^(?:UNION|LEFT-MOST|RIGHT-MOST)/.test(detail)) return `Combines results: ${detail.toLowerCase()}`;
  return detail;
}
