import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DbSchemaResponse, ExplainResponse, noSuchTable, RowsPageResponse, RowsQuery, rowsRequest, sqlProblem, StatementBody, TableParam } from '../explorer/schemas.ts';
import { problems } from '../shared/schemas.ts';
import { requireWorkspaceKey } from './keys.ts';
import { traceStatement } from '../../trace/statement.ts';

const WorkspaceParams = { id: Type.String({ pattern: '^[a-z0-9]{1,32}$', description: 'The workspace id' }) };
const KeyHeader = Type.Object({ 'x-workspace-key': Type.Optional(Type.String({ description: 'The key given when the workspace was created' })) });

/**
 * The database explorer on a workspace's own database: its tables, a page of rows, a query plan.
 * The work runs in the workspace's sandbox worker, on the same connection as its SQL console
 * (for PostgreSQL, logged in as the workspace's role). `_lab_documents`, where db.<collection>
 * documents live, is listed like any table, with its collections and their document counts.
 */
export const workspaceExplorerRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['workspaces'];

  app.get('/:id/schema', {
    schema: {
      tags,
      summary: 'The workspace database: tables with columns, indexes, foreign keys and row counts',
      params: Type.Object(WorkspaceParams),
      headers: KeyHeader,
      response: { 200: DbSchemaResponse, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      await requireWorkspaceKey(app, request, request.params.id);
      try {
        return await app.sandbox.schema(request.params.id);
      } catch (error) {
        throw sqlProblem(error);
      }
    },
  });

  app.get('/:id/tables/:table/rows', {
    schema: {
      tags,
      summary: 'One page of a table of the workspace database, in primary-key order',
      params: Type.Object({ ...WorkspaceParams, ...TableParam }),
      headers: KeyHeader,
      querystring: RowsQuery,
      response: { 200: RowsPageResponse, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id, table } = request.params;
      await requireWorkspaceKey(app, request, id);
      let page;
      try {
        page = await app.sandbox.rows(id, rowsRequest(table, request.query));
      } catch (error) {
        throw sqlProblem(error);
      }
      if (!page) throw noSuchTable(table);
      return page;
    },
  });

  app.post('/:id/explain', {
    schema: {
      tags,
      summary: "A statement's query plan (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN), read in plain language; the statement is not run",
      params: Type.Object(WorkspaceParams),
      headers: KeyHeader,
      body: StatementBody,
      response: { 200: ExplainResponse, ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id } = request.params;
      await requireWorkspaceKey(app, request, id);
      try {
        return await traceStatement(request, request.body, (sql, params) => app.sandbox.explain(id, sql, params), (r) => ({ planSteps: r.plan.length }));
      } catch (error) {
        throw sqlProblem(error);
      }
    },
  });
};
