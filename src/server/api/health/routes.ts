import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../errors.ts';

/** Probes for load balancers and orchestrators; never rate limited, never authenticated. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const config = { rateLimit: false } as const;
  app.get('/health', {
    config,
    schema: { tags: ['health'], summary: 'Liveness: the process answers', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });
  app.get('/ready', {
    config,
    schema: { tags: ['health'], summary: 'Readiness: the database answers', response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }) } },
    handler: async () => {
      try {
        await app.db.ping();
      } catch (error) {
        app.log.warn({ err: error }, 'readiness check failed');
        throw new HttpProblem(503, 'The database is not answering.', { type: 'not-ready' });
      }
      return { status: 'ready' as const, database: app.db.dialect };
    },
  });
};
