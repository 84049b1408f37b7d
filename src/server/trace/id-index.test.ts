import { describe, expect, it } from 'vitest';
import { randomHex } from './ids.ts';
import { TraceIdIndex } from './id-index.ts';

describe('TraceIdIndex', () => {
  it('finds every id still held after each of thousands of replacements, and none of those taken out', () => {
    const max = 37;
    const slots: (string | undefined)[] = new Array(max).fill(undefined);
    const index = new TraceIdIndex(max, (slot) => slots[slot]);
    let lost = 0;
    let found = 0;
    for (let n = 0; n < 5000; n++) {
      const slot = n % max;
      const old = slots[slot];
      if (old !== undefined) index.remove(slot);
      // Every other id shares its first eight characters (its home entry) with one held elsewhere.
      const neighbour = slots[(slot + 11) % max];
      const id = n % 2 === 1 && neighbour ? neighbour.slice(0, 8) + randomHex(16).slice(8) : randomHex(16);
      slots[slot] = id;
      index.add(id, slot);
      if (old !== undefined && index.find(old) !== -1) found++;
      slots.forEach((held, at) => {
        if (held !== undefined && index.find(held) !== at) lost++;
      });
    }
    expect({ lost, found }).toEqual({ lost: 0, found: 0 });
  });
});
