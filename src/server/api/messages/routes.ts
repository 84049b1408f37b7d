import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, unprocessable } from '../../errors.ts';
import { isForeignKeyViolation } from '../../db/connection.ts';
import { pageFrom, sendPage } from '../shared/pagination.ts';
import { IdParams, PageQuery, pageOf, problems } from '../shared/schemas.ts';
import { findMessageFor, insertMessage, listMessagesFor, toMessage } from './queries.ts';
import { ownerOnly } from '../../trace/steps.ts';

const Message = Type.Object({
  id: Type.Integer(),
  fromUserId: Type.Integer(),
  toUserId: Type.Integer(),
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
const SendMessageBody = Type.Object(
  { toUserId: Type.Integer({ minimum: 1, maximum: 2147483647 }), body: Type.String({ minLength: 1, maxLength: 5000 }) },
  { additionalProperties: false },
);
const MessageListQuery = Type.Object(
  { ...PageQuery, box: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('inbox'), Type.Literal('sent')], { default: 'all' })) },
  { additionalProperties: false },
);

export const messageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['messages'];
  const security = [{ bearer: [] }];
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', ownerOnly('messages (sent or received)'));

  app.post('/', {
    schema: { tags, summary: 'Send a message to another user', security, body: SendMessageBody, response: { 201: Message, ...problems(400, 401, 422) } },
    handler: async (request, reply) => {
      try {
        const message = toMessage(await insertMessage(request.db, { fromUserId: request.user.id, ...request.body }));
        return reply.code(201).header('location', `/api/messages/${message.id}`).send(message);
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw unprocessable('There is no user with this id.', [{ path: 'toUserId', message: 'does not name a user' }]);
        }
        throw error;
      }
    },
  });

  app.get('/', {
    schema: { tags, summary: 'Your inbox and sent messages, newest first', security, querystring: MessageListQuery, response: { 200: pageOf(Message), ...problems(400, 401) } },
    handler: async (request, reply) => {
      const page = pageFrom(request.query);
      const { rows, total } = await listMessagesFor(request.db, request.user.id, request.query.box ?? 'all', page);
      return sendPage(request, reply, page, rows.map(toMessage), total);
    },
  });

  app.get('/:id', {
    schema: { tags, summary: 'One message you sent or received', security, params: IdParams, response: { 200: Message, ...problems(400, 401, 404) } },
    handler: async (request) => {
      const row = await findMessageFor(request.db, request.user.id, request.params.id);
      if (!row) throw notFound('Message');
      return toMessage(row);
    },
  });
};
