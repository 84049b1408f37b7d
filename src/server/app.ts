import { randomUUID } from 'node:crypto';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { authRoutes } from './api/auth/routes.ts';
import { createPasswordHasher, type PasswordHasher } from './api/auth/passwords.ts';
import { courseRoutes } from './api/courses/routes.ts';
import { healthRoutes } from './api/health/routes.ts';
import { lessonRoutes } from './api/lessons/routes.ts';
import { logRoutes } from './api/logs/routes.ts';
import { messageRoutes } from './api/messages/routes.ts';
import { orderRoutes } from './api/orders/routes.ts';
import { settingsRoutes } from './api/settings/routes.ts';
import { meRoutes, userRoutes } from './api/users/routes.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/connection.ts';
import { migrateToLatest } from './db/migrate.ts';
import { seedDemoData, type SeedResult } from './db/seed.ts';
import { handleError, handleFrameworkError, sendProblem } from './errors.ts';
import { useJsonBodies } from './json-body.ts';
import { auth } from './plugins/auth.ts';
import { db } from './plugins/db.ts';
import { docs } from './plugins/docs.ts';
import { rateLimits } from './plugins/rate-limit.ts';
import { connectRedis } from './plugins/redis.ts';
import { requestLog } from './plugins/request-log.ts';
import { security, setSecurityHeaders } from './plugins/security.ts';
import { web } from './plugins/web.ts';
import { tracing } from './plugins/tracing.ts';
import { traceRoutes } from './api/traces/routes.ts';
import { sandbox } from './plugins/sandbox.ts';
import { sandboxRoutes } from './sandbox/routes.ts';
import { workspaceRoutes } from './api/workspaces/routes.ts';
import { explorerRoutes } from './api/explorer/routes.ts';
import { resolveJwtSecret } from './secrets.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    passwords: PasswordHasher;
    /** What the first start created (the generated admin password, once). */
    seeded: SeedResult;
    /** ioredis connection status ('ready' while counters are shared), or 'none' without REDIS_URL. */
    redisStatus: () => string;
  }
}

export interface BuildOptions {
  /** Pino options or false; defaults to the configured LOG_LEVEL. */
  logger?: FastifyServerOptions['logger'];
  /** More routes under /api, behind every hook the API has (the bench's in-lab baseline uses it). */
  extraApiRoutes?: (api: FastifyInstance) => Promise<void>;
}

/** The whole server, ready to `listen` or `inject`. Any config: tests build many side by side. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    // A number of proxies: trust that many hops of X-Forwarded-For (Fastify's typings omit the number form).
    trustProxy: typeof config.trustProxy === 'number' ? ((_address: string, hop: number) => hop < (config.trustProxy as number)) : config.trustProxy,
    bodyLimit: 1024 * 1024,
    // genReqId reads the header itself, so an incoming id is used only when it looks like one.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // Duplicate slashes and trailing slashes route the same; case stays significant.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 200 },
    // Closing is handled by refuseWhileClosing (problem+json) and the idle sweep in main.ts.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      setSecurityHeaders(request, reply);
      return handleFrameworkError(error, request, reply);
    },
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>();

  useStrictValidation(app);
  useJsonBodies(app);
  app.setErrorHandler(handleError);

  const database = openDatabase(config);
  let redis: Redis | undefined;
  app.addHook('onClose', async () => {
    redis?.disconnect();
  });
  try {
    await migrateToLatest(database);
    const passwords = await createPasswordHasher(config.maxConcurrentHashes);
    app.decorate('config', config);
    app.decorate('passwords', passwords);
    app.decorate('seeded', await seedDemoData(database, config, passwords));
    redis = config.redisUrl ? connectRedis(config.redisUrl, app.log) : undefined;
    app.decorate('redisStatus', () => redis?.status ?? 'none');

    await app.register(db, { db: database });
    await app.register(tracing, { ...config.traces, redis, redisPrefix: config.redisPrefix });
    await app.register(security, { corsOrigins: config.corsOrigins });
    // After tracing and security, so even the answers of an instance shutting down carry a trace
    // id, a request id and the security headers.
    refuseWhileClosing(app);
    await app.register(rateLimits, { max: config.rateLimit, redis, redisPrefix: config.redisPrefix });
    // Unknown paths count against the client's limit too: probing for routes is not free.
    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) =>
      sendProblem(reply, 404, `There is no ${request.method} ${request.url.split('?')[0]} here. The API is under /api; see /docs.`, { type: 'no-route' }),
    );
    await app.register(auth, { secret: resolveJwtSecret(config.jwtSecret, config.dataDir) });
    await app.register(requestLog);
    await app.register(sandbox, { redis, redisPrefix: config.redisPrefix });
    await app.register(docs);
    await app.register(healthRoutes);
    await app.register(web);
    await app.register(sandboxRoutes, { prefix: '/sandbox' });
    await app.register(
      async (api) => {
        await api.register(authRoutes, { prefix: '/auth', authRateLimit: config.authRateLimit });
        await api.register(meRoutes);
        await api.register(userRoutes, { prefix: '/users' });
        await api.register(courseRoutes, { prefix: '/courses' });
        await api.register(orderRoutes, { prefix: '/orders' });
        await api.register(messageRoutes, { prefix: '/messages' });
        await api.register(settingsRoutes, { prefix: '/settings' });
        await api.register(logRoutes, { prefix: '/logs' });
        await api.register(workspaceRoutes, { prefix: '/workspaces' });
        await api.register(explorerRoutes, { prefix: '/explorer' });
        await api.register(lessonRoutes, { prefix: '/lessons' });
        await api.register(traceRoutes, { prefix: '/traces' });
        if (options.extraApiRoutes) await api.register(options.extraApiRoutes);
      },
      { prefix: '/api' },
    );
    await app.ready();
  } catch (error) {
    redis?.disconnect();
    await database.close().catch(() => {});
    throw error;
  }
  return app;
}

/**
 * Once shutdown starts, requests arriving on kept-alive connections get a 503 problem and
 * `Connection: close`, so a load balancer retries them on another instance and the socket ends.
 */
function refuseWhileClosing(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close').header('retry-after', '1');
    // No done(): the problem is the answer.
    sendProblem(reply, 503, 'This instance is shutting down; retry the request.', { type: 'shutting-down' });
  });
}

/**
 * Bodies are validated strictly: no type coercion ("12" is not 12) and unknown fields refused,
 * which is what stops mass assignment (`"role": "admin"`). Query strings and path parameters
 * arrive as text, so there numbers are coerced. Every error is reported, not just the first.
 */
function useStrictValidation(app: FastifyInstance) {
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
    ajvFormats.default(ajv);
    return ajv;
  };
  const body = make(false);
  const text = make(true);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema));
}
