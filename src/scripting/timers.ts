/**
 * setTimeout and friends for scripts: a run is not over while a timer is still due, as in
 * Postman, so each timer is tracked until it fires or is cleared.
 */
type Track = (promise: Promise<unknown>) => void;
type Fail = (thrown: unknown) => void;

export function createTimers(track: Track, fail: Fail) {
  const live = new Map<number, { handle: ReturnType<typeof setTimeout>; repeat: boolean; finish: () => void }>();
  let nextId = 1;

  const start = (repeat: boolean) => (fn: unknown, ms?: number, ...args: unknown[]) => {
    const id = nextId++;
    let finish = () => {};
    track(new Promise<void>((resolve) => (finish = resolve)));
    const tick = () => {
      if (!repeat) {
        live.delete(id);
        finish();
      }
      try {
        if (typeof fn === 'function') fn(...args);
      } catch (thrown) {
        fail(thrown);
      }
    };
    const handle = repeat ? setInterval(tick, ms) : setTimeout(tick, ms);
    live.set(id, { handle, repeat, finish });
    return id;
  };

  const clear = (id: unknown) => {
    const timer = live.get(id as number);
    if (!timer) return;
    if (timer.repeat) clearInterval(timer.handle);
    else clearTimeout(timer.handle);
    live.delete(id as number);
    timer.finish();
  };

  return {
    globals: { setTimeout: start(false), setInterval: start(true), clearTimeout: clear, clearInterval: clear },
    clearAll: () => [...live.keys()].forEach(clear),
  };
}
