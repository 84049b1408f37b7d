import { describe, expect, it } from 'vitest';
import { Admission, MAX_IN_FLIGHT } from './admission.ts';

/** How many requests in a row are admitted before the first refusal. */
function admitted(admission: Admission, id: string) {
  const held: { release(busyMs?: number): void }[] = [];
  for (;;) {
    const a = admission.admit(id);
    if ('busy' in a) return { count: held.length, busy: a.busy, releaseAll: (busyMs?: number) => held.forEach((h) => h.release(busyMs)) };
    held.push(a);
  }
}

describe('requests a workspace may have in flight', () => {
  it('a fast app gets the most; one whose requests cost the time limit gets about two', () => {
    const admission = new Admission(1000);
    const first = admitted(admission, 'fast');
    // Nothing learned yet: an eighth of the limit each, 2 s in all.
    expect(first.count).toBe(16);
    first.releaseAll(0.05);
    for (let i = 0; i < 20; i++) admitted(admission, 'fast').releaseAll(0.05);
    expect(admitted(admission, 'fast').count).toBe(MAX_IN_FLIGHT);

    for (let i = 0; i < 10; i++) admitted(admission, 'loop').releaseAll(1000);
    const loop = admitted(admission, 'loop');
    expect(loop.count).toBe(2);
    expect(loop.busy).toMatchObject({ inFlight: 2, retryAfterSeconds: 2 });
    expect(Math.round(loop.busy.costMs)).toBeGreaterThan(900);
  });

  it('always admits one, and new code starts from nothing learned', () => {
    const admission = new Admission(1000);
    for (let i = 0; i < 10; i++) admitted(admission, 'w').releaseAll(60_000);
    const slow = admitted(admission, 'w');
    expect(slow.count).toBe(1);
    slow.releaseAll();
    admission.forget('w');
    expect(admitted(admission, 'w').count).toBe(16);
  });

  it('a release counts once', () => {
    const admission = new Admission(1000);
    const a = admission.admit('w');
    if ('busy' in a) throw new Error('refused');
    a.release();
    a.release();
    expect(admitted(admission, 'w').count).toBe(16);
  });
});
