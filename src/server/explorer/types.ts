/**
 * What the database explorer tells about a database: the same shapes for a workspace database
 * and the reference database, SQLite and PostgreSQL. Plain data: it crosses worker messages.
 */

export type ExplorerDialect = 'sqlite' | 'postgres';

export interface ColumnInfo {
  name: string;
  /** As the database spells it (SQLite: the declared type, may be ''; PostgreSQL: format_type). */
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** The default expression as SQL text, or null. */
  default: string | null;
  /** Its values are shown as "[redacted]" (reference database only). */
  redacted?: boolean;
}

export interface IndexInfo {
  name: string;
  /** Column names, or expressions for an index on an expression. */
  columns: string[];
  unique: boolean;
}

export interface ForeignKeyInfo {
  columns: string[];
  references: { table: string; columns: string[] };
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  foreignKeys: ForeignKeyInfo[];
  rowCount: number;
  /** Only on `_lab_documents`: the db.<collection> documents it holds, per collection. */
  collections?: { name: string; documents: number }[];
}

export interface DbSchema {
  dialect: ExplorerDialect;
  tables: TableInfo[];
}

export interface RowsPage {
  columns: string[];
  rows: unknown[][];
  page: number;
  limit: number;
  total: number;
}

export interface RowsRequest {
  table: string;
  page: number;
  limit: number;
  /** `_lab_documents` only: one collection's documents. */
  collection?: string;
}

/** One step of a query plan, in a tree by `parent` (0: a top-level step). */
export interface PlanNode {
  id: number;
  parent: number;
  /** The database's own words ("SCAN users", "Index Scan using users_email_idx on users"). */
  detail: string;
  /** The same step for a learner. */
  summary: string;
  table?: string;
  index?: string;
  /** Reads every row of `table`. */
  fullScan: boolean;
  /** PostgreSQL: the planner's row estimate. */
  estimatedRows?: number;
}

export interface Explained {
  plan: PlanNode[];
  /** Plain-language lines, one per step, in plan order. */
  summary: string[];
  /** Some step finds or reads rows through an index. */
  usesIndex: boolean;
  /** Tables read in full, each once. */
  scans: string[];
}

/** A statement's result as the SQL consoles show it. */
export interface ConsoleResult {
  columns: string[];
  rows: unknown[][];
  rowsAffected: number;
}

/** The names `_lab_documents` uses for learner collections (see sandbox/db.ts). */
export const DOCUMENTS_TABLE = '_lab_documents';
