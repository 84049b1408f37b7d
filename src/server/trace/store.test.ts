import { describe, expect, it } from 'vitest';
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
    for (const t of traces.slice(2)) expect((await store.get(t.id))?.path).toBe(t.toTrace().path);
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
  const trace = (id: string, finishedAt: number) => ({ id, finishedAt, toTrace: () => ({ id, traceId: id, method: 'GET', path: '/api/x', status: 200, durationMs: 1, startedAt: new Date(finishedAt).toISOString(), steps: [] }) });

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
    } finally {
      await writer.close();
      await reader.close();
      await redis.del(`${prefix}traces`, `${prefix}traces:times`);
      redis.disconnect();
    }
  });
});
