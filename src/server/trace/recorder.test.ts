import { describe, expect, it } from 'vitest';
import { traceOf } from './kept.ts';
import { TraceRecorder } from './recorder.ts';

describe('TraceRecorder', () => {
  it('keeps steps in time order, names made at read time, absent detail fields left out', () => {
    const trace = new TraceRecorder('0'.repeat(31) + '1', 'GET', '/api/x');
    trace.add('response', (d) => `${String(d.status)} done`, 5, 1, 'ok', { status: 200, explanation: undefined });
    trace.add('receive', 'GET /api/x', 0, 0, 'ok');
    trace.add('sql', 'select 1', 2, 0.5, 'ok', { sql: 'select 1', rows: 1, rowsAffected: undefined });
    const read = traceOf(trace.finish(200, 6));
    expect(read.steps.map((s) => [s.kind, s.name, s.startMs, s.durationMs])).toEqual([
      ['receive', 'GET /api/x', 0, 0],
      ['sql', 'select 1', 2, 0.5],
      ['response', '200 done', 5, 1],
    ]);
    expect(Object.keys(read.steps[1]!.detail)).toEqual(['sql', 'rows']);
    expect(read.durationMs).toBe(6);
  });

  it('a step reported after the request finished does not change the kept trace', () => {
    const trace = new TraceRecorder('0'.repeat(31) + '1', 'GET', '/api/late');
    for (let i = 0; i < 8; i++) trace.add('sql', `select ${i}`, i, 0, 'ok');
    const kept = trace.finish(200, 10);
    trace.add('sql', 'select late', 11, 0, 'ok');
    expect(traceOf(kept).steps.map((s) => s.name)).not.toContain('select late');
  });

  it('a loop of queries cannot grow a trace without bound: past 300 steps it says how many were left out', () => {
    const trace = new TraceRecorder('0'.repeat(31) + '1', 'GET', '/api/loop');
    for (let i = 0; i < 305; i++) trace.add('sql', `select ${i}`, i, 0, 'ok');
    const steps = traceOf(trace.finish(200, 400)).steps;
    expect(steps).toHaveLength(301);
    expect(steps[299]!.name).toBe('select 299');
    expect(steps[300]).toMatchObject({ kind: 'handler', name: '5 more steps were not recorded', detail: { dropped: 5 } });
  });
});
