import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems } from '../shared/schemas.ts';
import { LoginBody, PasswordChangeBody, RefreshBody, RegisterBody, TokenPair } from './schemas.ts';
import { logIn, logOut, refreshTokens, registerUser, updatePassword } from './service.ts';

export const authRoutes: FastifyPluginAsyncTypebox<{ authRateLimit: number }> = async (app, options) => {
  // Every auth route shares the stricter per-client budget.
  const rateLimit = { max: options.authRateLimit, timeWindow: 60_000, groupId: 'auth' };
  const tags = ['auth'];

  app.post('/register', {
    config: { rateLimit },
    schema: { tags, summary: 'Create an account', body: RegisterBody, response: { 201: TokenPair, ...problems(400, 409, 415, 429) } },
    handler: async (request, reply) => reply.code(201).send(await registerUser(request, request.body)),
  });

  app.post('/login', {
    config: { rateLimit },
    schema: { tags, summary: 'Log in with email and password', body: LoginBody, response: { 200: TokenPair, ...problems(400, 401, 429) } },
    handler: async (request) => logIn(request, request.body),
  });

  app.post('/refresh', {
    config: { rateLimit },
    schema: { tags, summary: 'Trade a refresh token for a new pair (the old one is spent)', body: RefreshBody, response: { 200: TokenPair, ...problems(400, 401, 429) } },
    handler: async (request) => refreshTokens(request, request.body.refreshToken),
  });

  app.post('/logout', {
    config: { rateLimit },
    onRequest: [app.authenticate],
    schema: { tags, summary: 'End the session of a refresh token', security: [{ bearer: [] }], body: RefreshBody, response: { ...problems(400, 401, 429) } },
    handler: async (request, reply) => {
      await logOut(request, request.user.id, request.body.refreshToken);
      return reply.code(204).send();
    },
  });

  app.post('/password', {
    config: { rateLimit },
    onRequest: [app.authenticate],
    schema: { tags, summary: 'Change password; every earlier token stops working', security: [{ bearer: [] }], body: PasswordChangeBody, response: { ...problems(400, 401, 403, 429) } },
    handler: async (request, reply) => {
      await updatePassword(request, request.user.id, request.body);
      return reply.code(204).send();
    },
  });
};
