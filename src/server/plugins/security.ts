import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Security headers on every response, CORS only for the origins configured, and the request id echoed. */
async function securityPlugin(app: FastifyInstance, options: { corsOrigins: string[] }) {
  await app.register(helmet, {
    // No upgrade-insecure-requests: a class server on a LAN is often plain http, and the
    // directive would send the browser to an https port that is not there.
    // connect-src is open because the lab page is an API client: it may call any server the learner names.
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], connectSrc: ["'self'", 'http:', 'https:'], frameAncestors: ["'none'"], upgradeInsecureRequests: null },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins,
      credentials: false,
      exposedHeaders: ['x-request-id', 'link', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'location'],
    });
  }
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onSend', async (request, reply) => {
    // API answers are per user: no shared cache may keep them.
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  });
}

export const security = fp(securityPlugin, { name: 'security' });
