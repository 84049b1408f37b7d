import type { QuickJSRuntime } from 'quickjs-emscripten';

/**
 * A workspace's memory, as closely as this QuickJS build lets us know it. Runtimes of one worker
 * share one WASM heap, and QuickJS cannot count its bytes (malloc_usable_size is missing under
 * Emscripten, so setMemoryLimit only caps single allocations). Two measures, the larger wins:
 * - charged: the growth of the worker's heap during this workspace's own entries into the VM
 *   (only one runs at a time on a thread). It sees everything, strings and Maps included, but not
 *   memory reused from what others freed;
 * - counted: QuickJS's walk of the runtime's live objects (dumpMemoryUsage), which sees reused
 *   memory but not rope strings (built by +) or Map entries. It costs ~70 µs for a small app and
 *   ~0.5 ms per MB held (a request is ~40 µs), so it runs once the workspace has spent 50 times
 *   the last walk's cost in the VM (≤ 2% of its time; at most 250 ms), or a second has passed.
 * So a workspace is refused once it holds about its limit, plus at most the heap that was free in
 * its worker: what neither measure sees quickly is memory reused from what others (or its own
 * previous runtime) freed. The worker's cap stays the backstop.
 * Both last as long as the runtime: what an app keeps between requests counts, not only what one
 * request grew (a workspace once kept 240 MB over six requests that each stayed under 64 MB).
 */
const COUNT_EVERY_MS = 1000;
const COUNT_BUDGET = 50;
/** A walk of 60 MB takes ~30 ms: an app that holds that much is walked after 250 ms in the VM anyway. */
const COUNT_BUDGET_MAX_MS = 250;

export class MemoryMeter {
  private charged = 0;
  private counted = 0;
  private countedAt = -Infinity;
  private countCostMs = 0;
  private busySinceCount = 0;
  private enteredAt = 0;
  private heapAtEnter = 0;
  private usedAtEnter = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly heapBytes: () => number,
    private readonly countLive: () => number,
  ) {}

  /** Bytes this workspace is believed to hold. */
  get used() {
    return Math.max(this.charged, this.counted);
  }

  /** Before code of this workspace runs (`at`: performance.now()). */
  enter(at = performance.now()) {
    this.enteredAt = at;
    this.heapAtEnter = this.heapBytes();
    this.usedAtEnter = this.used;
  }

  /** While it runs (from the interrupt handler): past the limit with what it grew so far? */
  overDuringEntry() {
    return this.usedAtEnter + this.heapBytes() - this.heapAtEnter > this.limitBytes;
  }

  /** After it ran: charges the growth, counts live objects now and then; true when past the limit. */
  leave(at = performance.now()) {
    this.charged += Math.max(0, this.heapBytes() - this.heapAtEnter);
    this.busySinceCount += at - this.enteredAt;
    const budget = Math.min(COUNT_BUDGET * this.countCostMs, COUNT_BUDGET_MAX_MS);
    if (this.busySinceCount >= budget || at - this.countedAt >= COUNT_EVERY_MS) {
      const started = performance.now();
      this.counted = liveBytes(this.countLive);
      this.countCostMs = performance.now() - started;
      this.countedAt = at;
      this.busySinceCount = 0;
    }
    return this.used > this.limitBytes;
  }
}

function liveBytes(count: () => number) {
  try {
    const bytes = count();
    return Number.isFinite(bytes) ? bytes : 0;
  } catch {
    // A runtime in trouble is about to be dropped; the charged measure still holds.
    return 0;
  }
}

/**
 * "memory used" of QuickJS's own report. The text, rather than computeMemoryUsage(), because that
 * one builds a second context in the runtime to hold its result object (~33 KB per workspace).
 */
export function countedBytes(runtime: QuickJSRuntime): number {
  const m = /^memory used\s+\d+\s+(\d+)/m.exec(runtime.dumpMemoryUsage());
  return m ? Number(m[1]) : 0;
}
