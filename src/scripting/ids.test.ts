import { afterEach, expect, it } from 'vitest';
import { randomUuid } from './ids.ts';

afterEach(() => {
  delete (crypto as { randomUUID?: unknown }).randomUUID; // back to the prototype's
});

it('gives v4 UUIDs, also where crypto.randomUUID is missing (plain-http pages)', () => {
  expect(randomUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
  const ids = new Set(Array.from({ length: 100 }, () => randomUuid()));
  expect(ids.size).toBe(100);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
