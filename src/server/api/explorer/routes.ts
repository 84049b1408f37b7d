import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { openReference, type ReferenceDb } from '../../explorer/reference.ts';
import { problems } from '../shared/schemas.ts';
import { describeAccess, requireReferenceAccess } from './access.ts';
import { ConsoleResponse, DbSchemaResponse, ExplainResponse, noSuchTable, RowsPageResponse, RowsQuery, rowsRequest, sqlProblem, StatementBody, TableParam } from './schemas.ts';
import { consoleCounts, traceStatement } from '../../trace/statement.ts';

/** A runaway statement on the lab's own database stops after this; learners' lessons need far less. */
const REFERENCE_TIMEOUT_MS = 5000;
const CONSOLE_MAX_ROWS = 1000;

/**
 * The reference database (the lab's own), read-only, for an admin or on a local single-user lab
 * (see access.ts). The same shapes as a workspace's explorer, plus a read-only SQL console.
 */
export const explorerRoutes: FastifyPluginAsyncTypebox<{ timeoutMs?: number }> = async (app, options) => {
  const tags = ['explorer'];
  const security = [{ bearer: [] }];
  // Opened on first use: most labs never look, and SQLite's reader is a thread of its own.
  let reference: ReferenceDb | null = null;
  const db = () =>
    (reference ??= openReference({ dataDir: app.config.dataDir, databaseUrl: app.config.databaseUrl, timeoutMs: options.timeoutMs ?? REFERENCE_TIMEOUT_MS, maxRows: CONSOLE_MAX_ROWS }));
  app.addHook('onClose', async () => {
    await reference?.close();
  });
  const guard = requireReferenceAccess(app);

  app.get('/access', {
    schema: {
      tags,
      summary: 'May this caller read the reference database, and why (not)',
      response: {
        200: Type.Object({
          available: Type.Boolean(),
          via: Type.Union([Type.Literal('local'), Type.Literal('admin'), Type.Null()]),
          dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
          reason: Type.String(),
        }),
        ...problems(401),
      },
    },
    handler: async (request, reply) => ({ ...(await describeAccess(app, request, reply)), dialect: app.db.dialect }),
  });

  app.get('/schema', {
    onRequest: guard,
    schema: { tags, security, summary: 'Tables of the reference database with columns, indexes, foreign keys and row counts', response: { 200: DbSchemaResponse, ...problems(400, 401, 403) } },
    handler: async () => {
      try {
        return await db().schema();
      } catch (error) {
        throw sqlProblem(error);
      }
    },
  });

  app.get('/tables/:table/rows', {
    onRequest: guard,
    schema: {
      tags,
      security,
      summary: 'One page of a reference table, in primary-key order; secret columns redacted',
      params: Type.Object(TableParam),
      querystring: RowsQuery,
      response: { 200: RowsPageResponse, ...problems(400, 401, 403, 404) },
    },
    handler: async (request) => {
      let page;
      try {
        page = await db().rows(rowsRequest(request.params.table, request.query));
      } catch (error) {
        throw sqlProblem(error);
      }
      if (!page) throw noSuchTable(request.params.table);
      return page;
    },
  });

  app.post('/explain', {
    onRequest: guard,
    schema: { tags, security, summary: 'The query plan of a SELECT on the reference database, in plain language', body: StatementBody, response: { 200: ExplainResponse, ...problems(400, 401, 403) } },
    handler: async (request) => {
      try {
        return await traceStatement(request, request.body, (sql, params) => db().explain(sql, params), (r) => ({ planSteps: r.plan.length }));
      } catch (error) {
        throw sqlProblem(error);
      }
    },
  });

  app.post('/sql', {
    onRequest: guard,
    schema: {
      tags,
      security,
      summary: `Run one read-only statement (SELECT, WITH, EXPLAIN) on the reference database; at most ${CONSOLE_MAX_ROWS} rows`,
      body: StatementBody,
      response: { 200: ConsoleResponse, ...problems(400, 401, 403) },
    },
    handler: async (request) => {
      try {
        return await traceStatement(request, request.body, (sql, params) => db().sql(sql, params), consoleCounts);
      } catch (error) {
        throw sqlProblem(error);
      }
    },
  });
};
