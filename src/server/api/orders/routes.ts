import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { conflict, notFound, unprocessable } from '../../errors.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../../db/connection.ts';
import { findCourse } from '../courses/queries.ts';
import { pageFrom, sendPage } from '../shared/pagination.ts';
import { IdParams, PageQuery, pageOf, problems } from '../shared/schemas.ts';
import { findOrderOfUser, findOwnOrder, insertOrder, listOwnOrders, toOrder } from './queries.ts';
import { ownerOnly } from '../../trace/steps.ts';

const Order = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  courseId: Type.Integer(),
  priceCents: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
const CreateOrderBody = Type.Object({ courseId: Type.Integer({ minimum: 1, maximum: 2147483647 }) }, { additionalProperties: false });

const noSuchCourse = () => unprocessable('There is no published course with this id.', [{ path: 'courseId', message: 'does not name a published course' }]);

export const orderRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['orders'];
  const security = [{ bearer: [] }];
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', ownerOnly('orders'));

  app.post('/', {
    schema: { tags, summary: 'Buy a course', security, body: CreateOrderBody, response: { 201: Order, ...problems(400, 401, 409, 422) } },
    handler: async (request, reply) => {
      const userId = request.user.id;
      const course = await findCourse(request.db, request.body.courseId);
      if (!course || course.status !== 'published') throw noSuchCourse();
      try {
        const order = toOrder(await insertOrder(request.db, { userId, courseId: course.id, priceCents: course.price_cents }));
        return reply.code(201).header('location', `/api/orders/${order.id}`).send(order);
      } catch (error) {
        if (isUniqueViolation(error)) {
          const existing = await findOrderOfUser(request.db, userId, course.id);
          throw conflict(`You already own this course (order ${existing?.id ?? '?'}).`);
        }
        if (isForeignKeyViolation(error)) throw noSuchCourse();
        throw error;
      }
    },
  });

  app.get('/', {
    schema: { tags, summary: 'Your orders', security, querystring: Type.Object(PageQuery), response: { 200: pageOf(Order), ...problems(400, 401) } },
    handler: async (request, reply) => {
      const page = pageFrom(request.query);
      const { rows, total } = await listOwnOrders(request.db, request.user.id, page);
      return sendPage(request, reply, page, rows.map(toOrder), total);
    },
  });

  app.get('/:id', {
    schema: { tags, summary: 'One of your orders', security, params: IdParams, response: { 200: Order, ...problems(400, 401, 404) } },
    handler: async (request) => {
      const row = await findOwnOrder(request.db, request.user.id, request.params.id);
      if (!row) throw notFound('Order');
      return toOrder(row);
    },
  });
};
