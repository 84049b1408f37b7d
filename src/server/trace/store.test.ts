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
