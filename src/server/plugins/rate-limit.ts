import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { HttpProblem } from '../errors.ts';
import { type CounterStore, fallbackStoreClass } from './counters.ts';
import { recordRateLimitAllowed, recordRateLimitDenied } from '../trace/steps.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** @fastify/rate-limit's check for the route, run first by the root onRequest hook. */
    rateLimitCheck?: RateLimitCheck;
  }
  interface FastifyInstance {
    /** Failed logins per account, in the same store as the rate limits (Redis when there is one). */
    loginFailures: { store: CounterStore; read(key: string, windowMs: number): Promise<{ current: number; ttl: number }> };
  }
}

/**
 * Per-client limits with @fastify/rate-limit. Headers follow the IETF draft
 * draft-ietf-httpapi-ratelimit-headers (RateLimit-Limit / -Remaining / -Reset, as the plugin's
 * enableDraftSpec sends them) plus Retry-After on a 429.
 */
type RateLimitCheck = (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => Promise<void>;

async function rateLimitPlugin(app: FastifyInstance, options: { max: number; redis: Redis | undefined; redisPrefix: string }) {
  const Store = fallbackStoreClass(options.redis, app.log, `${options.redisPrefix}rl:`);
  await app.register(rateLimit, {
    global: true,
    max: options.max,
    timeWindow: 60_000,
    store: Store,
    enableDraftSpec: true,
    cache: 20_000,
    onExceeding: recordRateLimitAllowed,
    errorResponseBuilder: (request, context) => {
      recordRateLimitDenied(request, context);
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      const scope = request.routeOptions.config.rateLimit && typeof request.routeOptions.config.rateLimit === 'object' && request.routeOptions.config.rateLimit.groupId === 'auth' ? 'sign-in requests' : 'requests';
      return new HttpProblem(429, `Too many ${scope}: ${context.max} per minute are allowed from one client. Try again in ${seconds} s.`, {
        type: 'rate-limited',
        extensions: { retryAfterSeconds: seconds },
      });
    },
  });

  // @fastify/rate-limit adds its check as a route-level onRequest hook, and those run after the
  // hooks of the route's plugin and the route's own: a request refused by authentication was
  // never counted. The check moves into the route's config and one root hook runs it first.
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimit === false || !Array.isArray(route.onRequest) || route.onRequest.length === 0) return;
    const check = route.onRequest.pop() as RateLimitCheck;
    route.config = { ...route.config, rateLimitCheck: check };
  });
  app.addHook('onRequest', (request, reply, done) => {
    const phase = request.trace?.phase;
    const route = phase ? (phase.route ??= request.routeOptions) : request.routeOptions;
    const check = (route.config as { rateLimitCheck?: RateLimitCheck }).rateLimitCheck;
    if (!check) return done();
    check.call(app, request, reply).then(() => done(), done);
  });

  const failures = new Store({});
  app.decorate('loginFailures', {
    store: failures,
    // The window matters: the in-memory store treats a counter older than it as expired.
    read: (key: string, windowMs: number) =>
      new Promise<{ current: number; ttl: number }>((resolve) =>
        failures.read(key, (error, result) => resolve(error || !result ? { current: 0, ttl: 0 } : result), windowMs, 0),
      ),
  });
}

export const rateLimits = fp(rateLimitPlugin, { name: 'rate-limits' });
