import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { nowIso } from '../../db/connection.ts';
import { HttpProblem } from '../../errors.ts';
import { problems } from '../shared/schemas.ts';
import { workspaceExplorerRoutes } from './explorer.ts';
import { hashKey, newWorkspaceId, newWorkspaceKey, requireWorkspaceKey } from './keys.ts';
import { STARTER_SOURCE } from './starter.ts';
import { TEMPLATES } from './templates.ts';
import { consoleCounts, traceStatement } from '../../trace/statement.ts';

const MAX_SOURCE_CHARS = 256 * 1024;

const WorkspaceParams = Type.Object({ id: Type.String({ pattern: '^[a-z0-9]{1,32}$', description: 'The workspace id' }) });
const KeyHeader = Type.Object({ 'x-workspace-key': Type.Optional(Type.String({ description: 'The key given when the workspace was created' })) });
const Route = Type.Object({ method: Type.String(), path: Type.String() });
const LogLine = Type.Object({ at: Type.String(), level: Type.String(), message: Type.String(), line: Type.Optional(Type.Integer()) });

/** Workspaces for learners' own backend code: no account, a key per workspace. */
export const workspaceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['workspaces'];
  // Open log streams end when the server closes, or they would hold shutdown until they time out.
  const streams = new Set<import('node:http').ServerResponse>();
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });
  await app.register(workspaceExplorerRoutes);

  app.get('/templates', {
    schema: {
      tags,
      summary: 'Starter code for the Code editor',
      response: { 200: Type.Object({ data: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), description: Type.String(), source: Type.String() })) }) },
    },
    handler: async () => ({ data: TEMPLATES }),
  });

  app.post('/', {
    // Each workspace is a row and, once used, a database: creating them is limited harder than reading.
    config: { rateLimit: { max: app.config.sandbox.workspacesPerHour, timeWindow: 3_600_000, groupId: 'new-workspace' } },
    schema: {
      tags,
      summary: 'A new workspace with starter code; keep the key, it is shown once',
      response: { 201: Type.Object({ id: Type.String(), key: Type.String(), url: Type.String() }), ...problems(429) },
    },
    handler: async (request, reply) => {
      const id = newWorkspaceId();
      const key = newWorkspaceKey();
      const now = nowIso();
      await request.db.insertInto('workspaces').values({ id, key_hash: hashKey(key), source: STARTER_SOURCE, created_at: now, updated_at: now }).execute();
      reply.code(201).header('location', `/api/workspaces/${id}/code`);
      return { id, key, url: `/sandbox/${id}/` };
    },
  });

  app.get('/:id/code', {
    schema: { tags, summary: 'The workspace code', params: WorkspaceParams, headers: KeyHeader, response: { 200: Type.Object({ source: Type.String(), updatedAt: Type.String() }), ...problems(401, 404) } },
    handler: async (request) => {
      await requireWorkspaceKey(app, request, request.params.id);
      const code = await app.workspaceCode(request.params.id);
      return { source: code!.source, updatedAt: code!.updatedAt };
    },
  });

  app.put('/:id/code', {
    schema: {
      tags,
      summary: 'Deploy code: it is loaded at once and serves /sandbox/<id>/…',
      params: WorkspaceParams,
      headers: KeyHeader,
      body: Type.Object({ source: Type.String({ maxLength: MAX_SOURCE_CHARS }) }),
      response: { 200: Type.Object({ routes: Type.Array(Route), url: Type.String() }), ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id } = request.params;
      await requireWorkspaceKey(app, request, id);
      const result = await app.sandbox.load(id, request.body.source);
      if (!result.ok) {
        const first = result.errors[0];
        throw new HttpProblem(400, `The code did not load${first ? `: line ${first.line}: ${first.message}` : ''}. It was not deployed; the previous version still runs.`, {
          type: 'code-error',
          title: 'Code error',
          errors: result.errors.map((e) => ({ path: 'source', ...e })),
        });
      }
      await request.db.updateTable('workspaces').set({ source: request.body.source, updated_at: nowIso() }).where('id', '=', id).execute();
      app.workspaceDeployed(id);
      return { routes: result.routes, url: `/sandbox/${id}/` };
    },
  });

  app.post('/:id/sql', {
    schema: {
      tags,
      summary: 'Run one SQL statement on the workspace database',
      params: WorkspaceParams,
      headers: KeyHeader,
      body: Type.Object({ sql: Type.String({ minLength: 1, maxLength: 100_000 }), params: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { maxItems: 1000 })) }),
      response: { 200: Type.Object({ columns: Type.Array(Type.String()), rows: Type.Array(Type.Array(Type.Unknown())), rowsAffected: Type.Integer() }), ...problems(400, 401, 404) },
    },
    handler: async (request) => {
      const { id } = request.params;
      await requireWorkspaceKey(app, request, id);
      try {
        return await traceStatement(request, request.body, (sql, params) => app.sandbox.sql(id, sql, params), consoleCounts);
      } catch (error) {
        throw new HttpProblem(400, `The database refused the statement: ${(error as Error).message}`, { type: 'sql-error', title: 'SQL error' });
      }
    },
  });

  app.post('/:id/reset', {
    schema: { tags, summary: 'Empty the workspace database', params: WorkspaceParams, headers: KeyHeader, response: { ...problems(401, 404) } },
    handler: async (request, reply) => {
      await requireWorkspaceKey(app, request, request.params.id);
      await app.sandbox.reset(request.params.id);
      app.workspaceReset(request.params.id);
      return reply.code(204).send();
    },
  });

  app.get('/:id/logs', {
    schema: {
      tags,
      summary: 'Recent console output and errors of the workspace code',
      params: WorkspaceParams,
      headers: KeyHeader,
      querystring: Type.Object({ key: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ data: Type.Array(LogLine) }), ...problems(401, 404) },
    },
    handler: async (request) => {
      await requireWorkspaceKey(app, request, request.params.id);
      return { data: app.workspaceLogs.recent(request.params.id) };
    },
  });

  app.get('/:id/logs/stream', {
    schema: {
      tags,
      summary: 'The same, live, as Server-Sent Events (the key may come as ?key= because EventSource cannot send headers)',
      params: WorkspaceParams,
      headers: KeyHeader,
      querystring: Type.Object({ key: Type.Optional(Type.String()) }),
    },
    handler: async (request, reply) => {
      const { id } = request.params;
      await requireWorkspaceKey(app, request, id);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-request-id': request.id,
        'x-accel-buffering': 'no',
      });
      streams.add(raw);
      raw.write(': connected\n\n');
      const send = (line: object) => raw.write(`data: ${JSON.stringify(line)}\n\n`);
      const unsubscribe = app.workspaceLogs.subscribe(id, ({ workspaceId: _id, ...line }) => send(line));
      // Comments keep proxies from closing an idle stream.
      const ping = setInterval(() => raw.write(': ping\n\n'), 15_000);
      raw.on('close', () => {
        clearInterval(ping);
        unsubscribe();
        streams.delete(raw);
      });
    },
  });
};
