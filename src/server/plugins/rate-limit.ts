import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { HttpProblem } from '../errors.ts';
import { type CounterStore, fallbackStoreClass } from './counters.ts';
import { recordRateLimitAllowed, recordRateLimitDenied } from '../trace/steps.ts';

declare module 'fastify' {
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
