import { describe, expect, it } from 'vitest';
import { keepRecording, readTrace, traceOf } from './kept.ts';
import { TraceRecorder } from './recorder.ts';

const NEW_TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('a kept trace (flat values in a reused array)', () => {
  it('reads back every kind of detail: plain values, short lists and records, shared and long values as they were', () => {
    // A request that starts a new W3C trace uses its trace id as its own id.
    const trace = new TraceRecorder(NEW_TRACE, 'POST', '/api/orders', NEW_TRACE);
    const headers = Object.freeze({ host: 'lab', authorization: 'Bearer [redacted]' });
    const long = Array.from({ length: 40 }, (_, i) => i);
    const nested = { where: { id: 1 } };
    trace.add('receive', 'POST /api/orders', 0, 0, 'ok', { method: 'POST', headers, bodyBytes: 12, query: undefined });
    trace.add('sql', 'insert', 1, 0.25, 'ok', { params: [3, 'x', null, true], rows: 0, rowsAffected: 1, long, nested });
    trace.add('validate', '1 invalid field', 2, 0, 'denied', { errors: [{ path: '/a', message: 'bad' }], counts: { a: 1, b: 'two' } });
    const read = traceOf(trace.finish(400, 3));

    expect(read).toMatchObject({ id: NEW_TRACE, traceId: NEW_TRACE, method: 'POST', path: '/api/orders', status: 400, durationMs: 3 });
    const [receive, sql, validate] = read.steps;
    expect(receive!.detail).toEqual({ method: 'POST', headers, bodyBytes: 12 });
    // One copy shared by many traces stays that one copy.
    expect(receive!.detail.headers).toBe(headers);
    expect(sql).toMatchObject({ startMs: 1, durationMs: 0.25, detail: { params: [3, 'x', null, true], rows: 0, rowsAffected: 1, long, nested } });
    expect(sql!.detail.long).toBe(long);
    expect(validate!.detail).toEqual({ errors: [{ path: '/a', message: 'bad' }], counts: { a: 1, b: 'two' } });
  });

  it('a continued W3C trace keeps its own trace id beside the request id', () => {
    const trace = new TraceRecorder('4bf92f3577b34da6a3ce929d0e0e4736', 'GET', '/api/me', NEW_TRACE);
    expect(traceOf(trace.finish(200, 1))).toMatchObject({ id: NEW_TRACE, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' });
  });

  it('an array that held a longer trace reads only the one written last', () => {
    const long = new TraceRecorder(NEW_TRACE, 'GET', '/api/long');
    for (let i = 0; i < 50; i++) long.add('sql', `select ${i}`, i, 0, 'ok', { params: [i, i + 1], rows: i });
    const short = new TraceRecorder(NEW_TRACE, 'GET', '/api/short');
    short.add('receive', 'GET /api/short', 0, 0, 'ok', { bodyBytes: 0 });
    const values: unknown[] = [];
    const longLength = keepRecording(values, long.finish(200, 60));
    const shortLength = keepRecording(values, short.finish(200, 1));
    expect(shortLength).toBeLessThan(longLength);
    const read = readTrace(values, shortLength, short.id, short.startedAt);
    expect(read.path).toBe('/api/short');
    expect(read.steps.map((s) => [s.name, s.detail])).toEqual([['GET /api/short', { bodyBytes: 0 }]]);
  });
});
