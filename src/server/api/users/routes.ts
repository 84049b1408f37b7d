import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { recordAuthorize } from '../../trace/steps.ts';
import { pageFrom, sendPage } from '../shared/pagination.ts';
import { IdParams, PageQuery, pageOf, problems, PublicUserSchema } from '../shared/schemas.ts';
import { findUserById, listUsers, toPublicUser } from './queries.ts';

export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/me', {
    onRequest: [app.authenticate],
    schema: { tags: ['users'], summary: 'The caller', security: [{ bearer: [] }], response: { 200: PublicUserSchema, ...problems(401) } },
    handler: async (request) => request.user,
  });
};

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['users'];
  const security = [{ bearer: [] }];

  app.get('/', {
    onRequest: [app.authenticate, app.requireRole('admin')],
    schema: { tags, summary: 'All users (admin)', security, querystring: Type.Object(PageQuery), response: { 200: pageOf(PublicUserSchema), ...problems(400, 401, 403) } },
    handler: async (request, reply) => {
      const page = pageFrom(request.query);
      const { rows, total } = await listUsers(request.db, page);
      return sendPage(request, reply, page, rows.map(toPublicUser), total);
    },
  });

  app.get('/:id', {
    onRequest: [app.authenticate],
    schema: { tags, summary: 'One user (yourself, or anyone for an admin)', security, params: IdParams, response: { 200: PublicUserSchema, ...problems(400, 401, 404) } },
    handler: async (request) => {
      const { id } = request.params;
      // Someone else's id answers 404 like a missing one: no hint that the account exists.
      const allowed = request.user.id === id || request.user.role === 'admin';
      recordAuthorize(request, 'yourself or an admin', allowed, allowed
        ? (request.user.id === id ? `user ${id} reads their own account` : `user ${request.user.id} is an admin`)
        : `user ${request.user.id} may only read their own account, not user ${id}'s (answered 404, so the account's existence is not revealed)`);
      if (!allowed) throw notFound('User');
      const row = await findUserById(request.db, id);
      if (!row) throw notFound('User');
      return toPublicUser(row);
    },
  });
};
