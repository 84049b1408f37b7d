import type Database from 'better-sqlite3';
import { isSecretColumn, secretRefusal } from './redact.ts';
import { bindable } from './sqlite.ts';
import { READ_ONLY, withoutExplain } from './statements.ts';

/**
 * The reference console on SQLite refuses a statement that would read a secret column, before it
 * runs. SQLite has no column privileges, and better-sqlite3 does not expose sqlite3_set_authorizer
 * (Node 20 has no node:sqlite), so this reads what the authorizer would be asked about from the
 * program SQLite compiled for the statement: `EXPLAIN` lists its opcodes. Every value a statement
 * takes from a table comes through a cursor opened on the table or one of its indexes, so however
 * the SQL dresses it (concatenation, hex(), an aggregate, a CTE, a subquery, a view, a sort, a
 * WHERE that only compares it), the program has an OP_Column on the secret column or walks an
 * index that holds it. Derived values (a sorter, a temporary index) are caught where they come from.
 *
 * The opcodes (sqlite.org/opcode.html): OpenRead/ReopenIdx/OpenWrite P1 = cursor, P2 = root page
 * (a register instead if P5 has OPFLAG_P2ISREG), P3 = database (0 main, 1 temp); Column P1 =
 * cursor, P2 = field of the record; RowData/RowCell copy a whole record.
 */

const OPENS = new Set(['OpenRead', 'ReopenIdx', 'OpenWrite']);
const WHOLE_RECORD = new Set(['RowData', 'RowCell']);
const P2_IS_REGISTER = 0x40;
const SCHEMA_ROOT = 1;
/** What a cursor on a closed b-tree may do: open, count its entries (count(*) walks the smallest index), close. */
const HARMLESS = new Set(['OpenRead', 'ReopenIdx', 'Count', 'Close', 'ColumnsUsed']);
/**
 * Opcodes whose P1 is a number, a register or a flag, never a cursor, and may equal one by chance.
 * Any other opcode with a closed b-tree's cursor as P1 refuses the statement: unknown means no.
 */
const NOT_A_CURSOR = new Set(['Init', 'Goto', 'Halt', 'Transaction', 'Integer', 'Int64', 'Real', 'String8', 'String', 'Null', 'Copy', 'SCopy', 'ResultRow', 'Variable', 'AggStep', 'AggFinal', 'Function', 'Noop', 'Once']);

type Db = Database.Database;
/** What reading a b-tree may give away: a table's secret fields by position; or all of it (closed). */
type Btree = { kind: 'table'; name: string; secret: Map<number, string>; secretNames: string[] } | { kind: 'closed'; why: string } | { kind: 'open' };

interface Op {
  opcode: string;
  p1: number;
  p2: number;
  p3: number;
  p5: number;
}

let cached: { db: Db; version: number; btrees: Map<number, Btree> } | null = null;

const all = <T>(db: Db, sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];

/** Root page → Btree for the main database; read again when the schema changes. */
function btrees(db: Db): Map<number, Btree> {
  const version = Number(db.pragma('schema_version', { simple: true }));
  if (cached?.db === db && cached.version === version) return cached.btrees;
  const map = new Map<number, Btree>([[SCHEMA_ROOT, { kind: 'open' }]]);
  const objects = all<{ type: string; name: string; tbl: string; rootpage: number }>(db, "SELECT type, name, tbl_name AS tbl, rootpage FROM main.sqlite_schema WHERE rootpage > 0 AND type IN ('table', 'index')");
  const tableSecrets = new Map<string, string[]>();
  for (const t of objects.filter((o) => o.type === 'table')) {
    const columns = all<{ name: string; hidden: number }>(db, 'SELECT name, hidden FROM pragma_table_xinfo(?) ORDER BY cid', t.name);
    const secretNames = columns.filter((c) => isSecretColumn(c.name)).map((c) => c.name);
    tableSecrets.set(t.name, secretNames);
    const withoutRowid = all<{ wr: number }>(db, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", t.name)[0]?.wr === 1;
    if (/^sqlite_stat[34]$/.test(t.name)) {
      map.set(t.rootpage, { kind: 'closed', why: `${t.name} holds samples of index entries, secret ones among them` });
    } else if (secretNames.length > 0 && (withoutRowid || columns.some((c) => c.hidden !== 0))) {
      // Fields are not in column order in these: rather than map them, read none.
      map.set(t.rootpage, { kind: 'closed', why: secretRefusal(`${t.name} has secret columns`, t.name, secretNames) });
    } else if (secretNames.length > 0) {
      const secret = new Map(columns.flatMap((c, i) => (isSecretColumn(c.name) ? [[i, c.name] as const] : [])));
      map.set(t.rootpage, { kind: 'table', name: t.name, secret, secretNames });
    } else map.set(t.rootpage, { kind: 'open' });
  }
  for (const i of objects.filter((o) => o.type === 'index')) {
    const keys = all<{ cid: number; name: string | null }>(db, 'SELECT cid, name FROM pragma_index_xinfo(?)', i.name);
    const partial = all<{ partial: number }>(db, 'SELECT partial FROM pragma_index_list(?) WHERE name = ?', i.tbl, i.name)[0]?.partial === 1;
    const secret = keys.find((k) => isSecretColumn(k.name))?.name;
    // An expression, or a partial index's WHERE, may be built on a secret column.
    const mayHold = (tableSecrets.get(i.tbl) ?? []).length > 0 && (partial || keys.some((k) => k.cid === -2));
    if (secret || mayHold) {
      const holds = secret ? `holds ${i.tbl}.${secret}, a secret` : `may be built on a secret column of ${i.tbl}`;
      map.set(i.rootpage, {
        kind: 'closed',
        why: `SQLite would walk the index ${i.name}, which ${holds}: the reference console does not read secret columns, nor compare or sort by them. If your statement does not need ${secret ?? 'them'}, write FROM ${i.tbl} NOT INDEXED and SQLite reads the table instead.`,
      });
    } else map.set(i.rootpage, { kind: 'open' });
  }
  cached = { db, version, btrees: map };
  return map;
}

const UNCHECKABLE = 'This statement reads the database in a way the explorer cannot check for secret columns, so it does not run.';

/**
 * Throws a message for the learner if the statement would read a secret column (or write).
 * `EXPLAIN …` runs nothing, but what it explains is checked too: PostgreSQL refuses those as well.
 */
export function checkNoSecretReads(db: Db, sql: string, params: unknown[]) {
  const statement = withoutExplain(sql);
  if (!db.prepare(statement).readonly) throw new Error(`${READ_ONLY} (this one writes).`);
  const program = db.prepare(`EXPLAIN ${statement}`);
  if (!program.columns().some((c) => c.name === 'opcode')) throw new Error(UNCHECKABLE);
  const ops = program.all(...bindable(params)) as Op[];
  const map = btrees(db);
  const cursors = new Map<number, Btree[]>();
  for (const op of ops) {
    if (!OPENS.has(op.opcode)) continue;
    if (op.p5 & P2_IS_REGISTER || (op.p3 !== 0 && op.p2 !== SCHEMA_ROOT)) throw new Error(UNCHECKABLE);
    const btree = op.p3 === 0 ? map.get(op.p2) : { kind: 'open' as const };
    if (!btree) throw new Error(UNCHECKABLE);
    cursors.set(op.p1, [...(cursors.get(op.p1) ?? []), btree]);
  }
  for (const op of ops) {
    for (const btree of cursors.get(op.p1) ?? []) {
      if (btree.kind === 'closed' && !HARMLESS.has(op.opcode) && !NOT_A_CURSOR.has(op.opcode)) throw new Error(btree.why);
      if (btree.kind !== 'table') continue;
      const column = op.opcode === 'Column' ? btree.secret.get(op.p2) : WHOLE_RECORD.has(op.opcode) ? btree.secretNames[0] : undefined;
      if (column !== undefined) throw new Error(secretRefusal(`${btree.name}.${column} holds secrets`, btree.name, btree.secretNames));
    }
  }
}
