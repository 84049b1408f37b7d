import { describe, expect, it, vi } from 'vitest';
import { traceOf } from './kept.ts';
import { TraceRecorder } from './recorder.ts';
import { MemoryTraceStore } from './store.ts';

const finished = (path: string, status = 200) => {
  const trace = new TraceRecorder('0'.repeat(31) + '1', 'GET', path);
  trace.add('receive', `GET ${path}`, 0, 0, 'ok');
  return trace.finish(status);
};

describe('MemoryTraceStore', () => {
  it('keeps the newest `max` traces: each one past the limit pushes out the oldest', async () => {
    const store = new MemoryTraceStore({ max: 3, ttlMs: 60_000 });
    const traces = Array.from({ length: 5 }, (_, i) => finished(`/api/${i}`));
    for (const t of traces) store.save(t);
    expect(store.size).toBe(3);
    expect(await store.get(traces[0]!.id)).toBeUndefined();
    expect(await store.get(traces[1]!.id)).toBeUndefined();
    for (const t of traces.slice(2)) expect((await store.get(t.id))?.path).toBe(traceOf(t).path);
  });

  it('builds a trace when it is read, with its status and steps, and answers the same on a second read', async () => {
    const store = new MemoryTraceStore({ max: 10, ttlMs: 60_000 });
    const t = finished('/api/me', 401);
    store.save(t);
    const first = await store.get(t.id);
    expect(first).toMatchObject({ id: t.id, method: 'GET', path: '/api/me', status: 401 });
    expect(first?.steps.map((s) => s.kind)).toEqual(['receive']);
    expect(await store.get(t.id)).toEqual(first);
  });

  it('a slot taken by a new trace holds only that trace, whatever the one before it held', async () => {
    const store = new MemoryTraceStore({ max: 1, ttlMs: 60_000 });
    const big = new TraceRecorder('0'.repeat(31) + '1', 'GET', '/api/big');
    for (let i = 0; i < 300; i++) big.add('sql', `select ${i}`, i, 0, 'ok', { sql: `select ${i}`, params: [i], rows: 1 });
    store.save(big.finish(200, 400));
    expect((await store.get(big.id))?.steps).toHaveLength(300);
    const small = finished('/api/small', 204);
    store.save(small);
    expect(await store.get(big.id)).toBeUndefined();
    expect(await store.get(small.id)).toEqual(traceOf(small));
    expect((await store.get(small.id))?.steps.map((s) => s.name)).toEqual(['GET /api/small']);
  });

  it('forgets a trace older than its time to live', async () => {
    const store = new MemoryTraceStore({ max: 10, ttlMs: 1 });
    const t = finished('/api/courses');
    store.save(t);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await store.get(t.id)).toBeUndefined();
    expect(store.size).toBe(0);
  });
});

describe('RedisTraceStore', async () => {
  const { Redis } = await import('ioredis');
  const { randomBytes } = await import('node:crypto');
  const { redisAvailable, REDIS_TEST_URL } = await import('../../../test/helpers/redis.ts');
  const { RedisTraceStore } = await import('./store.ts');
  const available = await redisAvailable();
  const silent = { warn() {} } as never;
  /** A request with this id that finished at `finishedAt` (epoch ms). */
  const trace = (id: string, finishedAt: number) => {
    vi.useFakeTimers({ toFake: ['Date'], now: finishedAt });
    try {
      return new TraceRecorder('0'.repeat(31) + '1', 'GET', '/api/x', id).finish(200, 0);
    } finally {
      vi.useRealTimers();
    }
  };

  it.skipIf(!available)('keeps at most `max` traces in Redis, and counts their age from when the request finished', async () => {
    const redis = new Redis(REDIS_TEST_URL);
    const prefix = `test:${randomBytes(6).toString('hex')}:`;
    const writer = new RedisTraceStore(redis, prefix, { max: 5, ttlMs: 60_000 }, silent);
    const reader = new RedisTraceStore(redis, prefix, { max: 5, ttlMs: 60_000 }, silent);
    try {
      await redis.ping();
      const now = Date.now();
      // Finished longer ago than the time to live (it waited out an outage in memory): never written.
      writer.save(trace('stale', now - 61_000));
      await writer.flush();
      for (let i = 0; i < 20; i++) writer.save(trace(`t${i}`, now - 20 + i));
      await writer.flush();
      expect(await redis.hlen(`${prefix}traces`)).toBe(5);
      expect(await redis.zcard(`${prefix}traces:times`)).toBe(5);
      expect(await redis.hexists(`${prefix}traces`, 'stale')).toBe(0);
      // Another instance reads what this one wrote: the newest, not the oldest.
      expect((await reader.get('t19'))?.id).toBe('t19');
      expect(await reader.get('t0')).toBeUndefined();
      expect(Number(await redis.zscore(`${prefix}traces:times`, 't19'))).toBe(now - 1);

      // More traces than `max` before a flush: those pushed out of memory are not among the newest, and are not written.
      for (let i = 0; i < 7; i++) writer.save(trace(`u${i}`, now + i));
      await writer.flush();
      expect(await redis.hexists(`${prefix}traces`, 'u0')).toBe(0);
      expect(await redis.hexists(`${prefix}traces`, 'u1')).toBe(0);
      expect((await reader.get('u6'))?.path).toBe('/api/x');
      expect(await redis.hlen(`${prefix}traces`)).toBe(5);
    } finally {
      await writer.close();
      await reader.close();
      await redis.del(`${prefix}traces`, `${prefix}traces:times`);
      redis.disconnect();
    }
  });
});
