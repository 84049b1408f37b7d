import { explained } from './plan.ts';
import type { Explained, PlanNode } from './types.ts';

/**
 * PostgreSQL's EXPLAIN (FORMAT JSON) → the same steps as SQLite's, numbered depth-first so the
 * tree keeps PostgreSQL's nesting (a join's inputs are its children).
 */

interface PgNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Filter?: string;
  'Join Type'?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Sort Key'?: string[];
  'Group Key'?: string[];
  Strategy?: string;
  'Plan Rows'?: number;
  'CTE Name'?: string;
  'Subplan Name'?: string;
  Plans?: PgNode[];
}

export function readPostgresPlan(json: unknown): Explained {
  const top = (Array.isArray(json) ? json[0] : json) as { Plan?: PgNode } | undefined;
  if (!top?.Plan) throw new Error('PostgreSQL returned no plan');
  const steps: PlanNode[] = [];
  const walk = (node: PgNode, parent: number, heapTable?: string) => {
    const id = steps.length + 1;
    steps.push(step(node, id, parent, heapTable));
    // A Bitmap Index Scan names only its index; the table is its parent Bitmap Heap Scan's.
    const table = node['Node Type'] === 'Bitmap Heap Scan' ? node['Relation Name'] : undefined;
    for (const child of node.Plans ?? []) walk(child, id, table);
  };
  walk(top.Plan, 0);
  return explained(steps);
}

function headline(node: PgNode): string {
  const type = node['Node Type'];
  const relation = node['Relation Name'];
  const alias = node.Alias && node.Alias !== relation ? ` ${node.Alias}` : '';
  if (node['Index Name'] && relation) return `${type} using ${node['Index Name']} on ${relation}${alias}`;
  if (node['Index Name']) return `${type} on ${node['Index Name']}`;
  if (relation) return `${type} on ${relation}${alias}`;
  if (node['Join Type'] && /Join|Nested Loop/.test(type)) return `${type} (${node['Join Type'].toLowerCase()})`;
  return type;
}

function step(node: PgNode, id: number, parent: number, heapTable?: string): PlanNode {
  const type = node['Node Type'];
  const condition = node['Index Cond'] ?? node['Recheck Cond'] ?? node['Hash Cond'] ?? node['Merge Cond'];
  const detail = [headline(node), condition ? `cond: ${condition}` : '', node.Filter ? `filter: ${node.Filter}` : ''].filter(Boolean).join('  ');
  const table = node['Relation Name'] ?? heapTable;
  const index = node['Index Name'];
  const base = { id, parent, detail, ...(table ? { table } : {}), ...(index ? { index } : {}), ...(node['Plan Rows'] !== undefined ? { estimatedRows: node['Plan Rows'] } : {}) };
  const keeping = node.Filter ? `, keeping those where ${node.Filter}` : '';
  switch (type) {
    case 'Seq Scan':
      return { ...base, fullScan: true, summary: `Reads every row of ${table} (a full scan)${keeping}` };
    case 'Index Scan':
    case 'Index Only Scan': {
      const tableToo = type === 'Index Only Scan' ? ', without reading the table itself (the index has every column needed)' : '';
      if (!node['Index Cond']) return { ...base, fullScan: true, summary: `Reads all of ${table} in the order of the index ${index}${tableToo}${keeping}` };
      return { ...base, fullScan: false, summary: `Finds rows in ${table} through the index ${index} (${node['Index Cond']})${tableToo}${keeping}` };
    }
    case 'Bitmap Index Scan':
      return { ...base, fullScan: false, summary: `Finds rows in ${table ?? 'the table'} through the index ${index}${condition ? ` (${condition})` : ''}` };
    case 'Bitmap Heap Scan':
      return { ...base, fullScan: false, summary: `Fetches the rows of ${table} that the index found${keeping}` };
    case 'Sort':
      return { ...base, fullScan: false, summary: `Sorts the rows by ${(node['Sort Key'] ?? []).join(', ') || 'the requested order'} (no index gives this order)` };
    case 'Limit':
      return { ...base, fullScan: false, summary: 'Stops after the rows asked for (LIMIT)' };
    case 'Aggregate':
      return { ...base, fullScan: false, summary: node['Group Key'] ? `Groups the rows by ${node['Group Key'].join(', ')} and computes the aggregates` : 'Computes the aggregates (count, sum …) over the rows' };
    case 'Hash':
      return { ...base, fullScan: false, summary: 'Builds a hash table of these rows for the join' };
    case 'Hash Join':
    case 'Merge Join':
    case 'Nested Loop':
      return { ...base, fullScan: false, summary: `Joins two inputs (${type.toLowerCase()}${condition ? ` on ${condition}` : ''})` };
    case 'Result':
      return { ...base, fullScan: false, summary: 'Computes values; no table is read' };
    default:
      return { ...base, fullScan: false, summary: table ? `${type} on ${table}` : type };
  }
}
