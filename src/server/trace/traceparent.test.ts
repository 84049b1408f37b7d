import { describe, expect, it } from 'vitest';
import { continueTrace } from './traceparent.ts';

const id = '4bf92f3577b34da6a3ce929d0e0e4736';
const parent = '00f067aa0ba902b7';

describe('continueTrace', () => {
  it('continues a version 00 traceparent, and reads the first four fields of a later version', () => {
    expect(continueTrace(`00-${id}-${parent}-01`)).toEqual({ traceId: id, parentId: parent, flags: '01' });
    expect(continueTrace(`01-${id}-${parent}-00-what-comes-next`)).toEqual({ traceId: id, parentId: parent, flags: '00' });
  });

  it('starts a new trace for an invalid one', () => {
    for (const bad of [`ff-${id}-${parent}-01`, `00-${id}-${parent}-01-extra`, `00-${'0'.repeat(32)}-${parent}-01`, `00-${id.toUpperCase()}-${parent}-01`, 'garbage', undefined]) {
      const trace = continueTrace(bad);
      expect(trace.parentId, String(bad)).toBeUndefined();
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.traceId).not.toBe(id);
    }
  });
});
