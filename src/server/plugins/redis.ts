import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

/**
 * A Redis client tuned for soft state: commands fail at once while disconnected (no offline
 * queue), so callers fall back instead of waiting, and it keeps reconnecting in the background.
 */
export function connectRedis(url: string, log: FastifyBaseLogger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    lazyConnect: false,
  });
  let healthy = false;
  let warnedAtStart = false;
  redis.on('ready', () => {
    healthy = true;
    warnedAtStart = true;
    log.info('Redis connected: rate-limit counters are shared between instances');
  });
  redis.on('error', (error) => {
    if (!warnedAtStart) log.warn({ err: error }, 'Redis not reachable: rate-limit counters stay in this process until it answers');
    warnedAtStart = true;
    if (healthy) log.warn({ err: error }, 'Redis unavailable: rate-limit counters fall back to this process until it returns');
    healthy = false;
  });
  redis.on('close', () => {
    if (healthy) log.warn('Redis connection closed: rate-limit counters fall back to this process until it returns');
    healthy = false;
  });
  return redis;
}

/**
 * A second connection, for SUBSCRIBE. Not tuned like the one above: a subscription lives as long
 * as the process, so its commands wait for Redis (offline queue, no retry limit, no 500 ms
 * timeout) instead of failing at once; ioredis subscribes again by itself after each reconnect.
 */
export function subscriberFor(redis: Redis): Redis {
  const subscriber = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
  subscriber.on('error', () => {}); // the main connection reports Redis trouble already
  return subscriber;
}
