import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyRateLimitStore } from '@fastify/rate-limit';

const require = createRequire(import.meta.url);
// The plugin's own stores: reused so the Redis and in-process counters behave exactly alike.
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as StoreConstructor<[boolean, boolean, number?]>;
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as StoreConstructor<[boolean, boolean, Redis, string]>;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
export interface CounterStore {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  read?(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: RouteStoreOptions): CounterStore;
}
type StoreConstructor<A extends unknown[]> = new (...args: A) => CounterStore;
type RouteStoreOptions = Parameters<FastifyRateLimitStore['child']>[0];

/**
 * Counters in Redis while it answers, in process memory while it does not. Redis holds only this
 * soft state, so losing it loosens limits to per-instance for a while and loses nothing else.
 */
export function fallbackStoreClass(redis: Redis | undefined, log: FastifyBaseLogger, keyPrefix: string) {
  class FallbackStore implements CounterStore {
    constructor(
      private readonly local: CounterStore,
      private readonly remote: CounterStore | undefined,
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number) {
      if (!this.remote || redis?.status !== 'ready') return this.local.incr(key, callback, timeWindow, max);
      this.remote.incr(
        key,
        (error, result) => {
          if (!error) return callback(null, result);
          log.warn({ err: error }, 'rate-limit counter in Redis failed; counting in process memory');
          this.local.incr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    }

    read(key: string, callback: Callback, timeWindow: number, max: number) {
      if (!this.remote?.read || redis?.status !== 'ready') return this.local.read!(key, callback, timeWindow, max);
      this.remote.read(key, (error, result) => (error ? this.local.read!(key, callback, timeWindow, max) : callback(null, result)), timeWindow, max);
    }

    child(routeOptions: RouteStoreOptions) {
      // The plugin makes one child per route; routes of a group must share one budget instead.
      const group = (routeOptions as { groupId?: string }).groupId;
      if (!group) return new FallbackStore(this.local.child(routeOptions), this.remote?.child(routeOptions));
      let shared = groups.get(group);
      if (!shared) {
        const groupRoute = { ...routeOptions, routeInfo: { method: 'group', url: group } } as unknown as RouteStoreOptions;
        shared = new FallbackStore(this.local.child(groupRoute), this.remote?.child(groupRoute));
        groups.set(group, shared);
      }
      return shared;
    }
  }
  const groups = new Map<string, FallbackStore>();
  return class extends FallbackStore {
    constructor(params: { continueExceeding?: boolean; exponentialBackoff?: boolean }) {
      const cont = params.continueExceeding ?? false;
      const backoff = params.exponentialBackoff ?? false;
      super(new LocalStore(cont, backoff, 20_000), redis ? new RedisStore(cont, backoff, redis, keyPrefix) : undefined);
    }
  };
}

/** Promise form of one counter step, for limits we apply ourselves (failed logins per account). */
export function increment(store: CounterStore, key: string, timeWindow: number, max: number) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error ?? new Error('no counter result')) : resolve(result)), timeWindow, max),
  );
}
