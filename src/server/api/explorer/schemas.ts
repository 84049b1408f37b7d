import { Type } from 'typebox';
import { HttpProblem } from '../../errors.ts';
import type { RowsRequest } from '../../explorer/types.ts';
import { PageQuery } from '../shared/schemas.ts';

/**
 * The explorer's request and response schemas, the same for a workspace database
 * (/api/workspaces/:id/…) and the reference database (/api/explorer/…).
 */

const Column = Type.Object({
  name: Type.String(),
  type: Type.String(),
  nullable: Type.Boolean(),
  primaryKey: Type.Boolean(),
  default: Type.Union([Type.String(), Type.Null()]),
  redacted: Type.Optional(Type.Boolean({ description: 'Values are shown as "[redacted]"' })),
});

const Table = Type.Object({
  name: Type.String(),
  columns: Type.Array(Column),
  indexes: Type.Array(Type.Object({ name: Type.String(), columns: Type.Array(Type.String()), unique: Type.Boolean() })),
  foreignKeys: Type.Array(Type.Object({ columns: Type.Array(Type.String()), references: Type.Object({ table: Type.String(), columns: Type.Array(Type.String()) }) })),
  rowCount: Type.Integer(),
  collections: Type.Optional(Type.Array(Type.Object({ name: Type.String(), documents: Type.Integer() }), { description: '_lab_documents only: db.<collection> documents per collection' })),
});

export const DbSchemaResponse = Type.Object({ dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]), tables: Type.Array(Table) });

export const RowsPageResponse = Type.Object({
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Unknown())),
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer(),
});

export const TableParam = { table: Type.String({ minLength: 1, maxLength: 200, description: 'A table name as the schema lists it' }) };

export const RowsQuery = Type.Object({
  ...PageQuery,
  collection: Type.Optional(Type.String({ maxLength: 200, description: '_lab_documents only: the documents of one collection' })),
});

/** What the rows routes ask the database for (the defaults are PageQuery's). */
export function rowsRequest(table: string, query: { page?: number; limit?: number; collection?: string }): RowsRequest {
  return { table, page: query.page ?? 1, limit: query.limit ?? 20, ...(query.collection !== undefined ? { collection: query.collection } : {}) };
}

export const StatementBody = Type.Object({
  sql: Type.String({ minLength: 1, maxLength: 100_000 }),
  params: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { maxItems: 1000 })),
});

export const ExplainResponse = Type.Object({
  plan: Type.Array(
    Type.Object({
      id: Type.Integer(),
      parent: Type.Integer({ description: '0 for a top-level step' }),
      detail: Type.String({ description: "The database's own words" }),
      summary: Type.String({ description: 'The same step in plain language' }),
      table: Type.Optional(Type.String()),
      index: Type.Optional(Type.String()),
      fullScan: Type.Boolean({ description: 'Reads every row of the table' }),
      estimatedRows: Type.Optional(Type.Number()),
    }),
  ),
  summary: Type.Array(Type.String()),
  usesIndex: Type.Boolean(),
  scans: Type.Array(Type.String(), { description: 'Tables read in full' }),
});

export const ConsoleResponse = Type.Object({
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Unknown())),
  rowsAffected: Type.Integer(),
  truncated: Type.Boolean({ description: 'More rows matched than the console returns' }),
});

/** A statement the database refused (syntax, unknown column, read-only, too long) is the caller's to fix: 400. */
export function sqlProblem(error: unknown) {
  if (error instanceof HttpProblem) return error;
  return new HttpProblem(400, `The database refused the statement: ${(error as Error).message}`, { type: 'sql-error', title: 'SQL error' });
}

export const noSuchTable = (table: string) =>
  new HttpProblem(404, `There is no table named ${JSON.stringify(table)} in this database; the schema lists the tables there are.`, { type: 'not-found' });
