import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toIso } from '../../db/connection.ts';
import { pageFrom, sendPage, pageSize } from '../shared/pagination.ts';
import { PageQuery, pageOf, problems } from '../shared/schemas.ts';

const RequestLog = Type.Object({
  id: Type.Integer(),
  requestId: Type.String(),
  method: Type.String(),
  path: Type.String(),
  route: Type.Union([Type.String(), Type.Null()]),
  status: Type.Integer(),
  durationMs: Type.Number(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  ip: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: { tags: ['logs'], summary: 'Recent API requests, newest first (admin)', security: [{ bearer: [] }], querystring: Type.Object(PageQuery), response: { 200: pageOf(RequestLog), ...problems(400, 401, 403) } },
    handler: async (request, reply) => {
      // Logs written in the last moment are still in the buffer; flush so the admin sees them.
      await app.requestLog.flush();
      const page = pageFrom(request.query);
      const logs = request.db.selectFrom('request_logs');
      const [rows, count] = await Promise.all([
        logs.selectAll().orderBy('id', 'desc').limit(pageSize(page)).offset(page.offset).execute(),
        logs.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow(),
      ]);
      const data = rows.map((r) => ({
        id: r.id,
        requestId: r.request_id,
        method: r.method,
        path: r.path,
        route: r.route,
        status: r.status,
        durationMs: r.duration_ms,
        userId: r.user_id,
        ip: r.ip,
        createdAt: toIso(r.created_at),
      }));
      return sendPage(request, reply, page, data, Number(count.total));
    },
  });
};
