import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Problem } from '../api/shared/schemas.ts';

/** The OpenAPI document comes from the same schemas that validate requests, so it cannot drift. */
async function docsPlugin(app: FastifyInstance) {
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Backend Lab reference API',
        version: '1.0.0',
        description: 'The reference backend of Backend Lab. Every error is RFC 9457 application/problem+json.',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true } });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

export const docs = fp(docsPlugin, { name: 'docs' });
