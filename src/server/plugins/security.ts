import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

const HELMET_OPTIONS: HelmetOptions = {
  // No upgrade-insecure-requests: a class server on a LAN is often plain http, and the
  // directive would send the browser to an https port that is not there.
  // connect-src is open because the lab page is an API client: it may call any server the learner names.
  contentSecurityPolicy: {
    directives: { defaultSrc: ["'self'"], connectSrc: ["'self'", 'http:', 'https:'], frameAncestors: ["'none'"], upgradeInsecureRequests: null },
  },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
};

/**
 * helmet's headers for our options, worked out once. They are the same for every response, and
 * @fastify/helmet rebuilt helmet's middleware on each request: a fifth of the CPU time of GET /api/me.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => void (failure = error));
  if (failure) throw failure;
  return headers;
}

const HEADERS = helmetHeaders(HELMET_OPTIONS);

/**
 * The headers every answer carries. Also called for the errors Fastify answers before any hook
 * runs (a malformed URL, a path segment over the limit), which otherwise went out bare.
 */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply) {
  reply.headers(HEADERS);
  reply.header('x-request-id', request.id);
  // API answers are per user: no shared cache may keep them.
  if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
}

/** Security headers on every response, CORS only for the origins configured, and the request id echoed. */
async function securityPlugin(app: FastifyInstance, options: { corsOrigins: string[] }) {
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins,
      credentials: false,
      exposedHeaders: ['x-request-id', 'x-trace-id', 'link', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after', 'location'],
    });
  }
  // Set first, so a route that needs its own value (the script worker's CSP, a cache policy) replaces it.
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request, reply);
    done();
  });
}

export const security = fp(securityPlugin, { name: 'security' });
