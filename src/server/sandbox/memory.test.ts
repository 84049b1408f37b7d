import { newQuickJSWASMModule, newVariant, RELEASE_SYNC } from 'quickjs-emscripten';
import { describe, expect, it } from 'vitest';
import { countedBytes, MemoryMeter } from './memory.ts';

const MB = 1024 * 1024;

/** A worker's situation: runtimes of one WASM module, one heap between them. */
async function worker() {
  const wasmMemory = new WebAssembly.Memory({ initial: 256, maximum: 4096 });
  const module = await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory }));
  const heapBytes = () => wasmMemory.buffer.byteLength;
  return {
    workspace(limitMb: number) {
      const runtime = module.newRuntime();
      const context = runtime.newContext();
      const meter = new MemoryMeter(limitMb * MB, heapBytes, () => countedBytes(runtime));
      return {
        meter,
        runtime,
        run(code: string) {
          meter.enter();
          context.unwrapResult(context.evalCode(code)).dispose();
          return meter.leave();
        },
        dispose() {
          context.dispose();
          runtime.dispose();
        },
      };
    },
  };
}

describe('what a workspace holds', () => {
  it('adds up across entries: what the app keeps counts, not only what one entry grew', async () => {
    const w = await worker();
    const ws = w.workspace(32);
    const keep = 'globalThis.kept ??= []; kept.push(new Array(1.5e6).fill(kept.length)); kept.length';
    const over = [ws.run(keep), ws.run(keep), ws.run(keep)];
    expect(over).toEqual([false, false, true]);
    expect(ws.meter.used).toBeGreaterThan(32 * MB);
    ws.dispose();
  });

  it('sees objects in memory another workspace freed (the heap does not grow for them)', async () => {
    const w = await worker();
    const first = w.workspace(64);
    first.run('globalThis.big = new Array(3e6).fill(1)');
    first.dispose();
    const second = w.workspace(64);
    second.run('globalThis.big = new Array(3e6).fill(2)');
    expect(second.meter.used).toBeGreaterThan(20 * MB);
    second.dispose();
  });

  it('walks the objects for at most a fiftieth of the time the app runs, or once a second', () => {
    let walks = 0;
    const meter = new MemoryMeter(64 * MB, () => 0, () => {
      walks++;
      return 1000;
    });
    // A fast app: 1000 entries of 0.04 ms; a walk that costs ~0 still waits for 50× its cost.
    for (let i = 0; i < 1000; i++) {
      meter.enter(i);
      meter.leave(i + 0.04);
    }
    expect(walks).toBeGreaterThan(1);
    expect(meter.used).toBe(1000);
    walks = 0;
    const slowWalk = new MemoryMeter(64 * MB, () => 0, () => {
      walks++;
      const until = performance.now() + 2;
      while (performance.now() < until);
      return 1;
    });
    for (let i = 0; i < 100; i++) {
      slowWalk.enter(i * 0.1);
      slowWalk.leave(i * 0.1 + 0.05);
    }
    // 5 ms in the VM after the first walk of ≥ 2 ms: no second walk yet.
    expect(walks).toBe(1);
    slowWalk.enter(2000);
    slowWalk.leave(2000.05);
    expect(walks).toBe(2);
  });

  it('sees strings the object count misses, by the heap they grow', async () => {
    const w = await worker();
    const ws = w.workspace(64);
    ws.run('globalThis.s = []; for (let i = 0; i < 40; i++) s.push("x".repeat(1e6) + i)');
    expect(countedBytes(ws.runtime)).toBeLessThan(5 * MB);
    expect(ws.meter.used).toBeGreaterThan(20 * MB);
    ws.dispose();
  });
});
