/**
 * How many requests a workspace may have in flight. A workspace is pinned to one worker thread and
 * its requests run there one after another, so whatever it queues, its neighbours on that thread
 * wait for: four requests to a 1 s loop held a neighbour 4 s. A workspace may queue about twice the
 * time limit of its own recent work: a request is admitted if (requests in flight, itself
 * included) × (the thread time its recent requests took) stays within 2 × timeoutMs; one is always
 * admitted, and 64 at most. A fast route (~0.05 ms) gets the 64; a 1 s loop gets 2.
 */
export const MAX_IN_FLIGHT = 64;
/** Exponential average of thread time per request: a few requests are enough to learn it. */
const WEIGHT = 0.3;
/** Workspaces remembered; past it, a cheap one is forgotten when it goes idle (an expensive one never is). */
const REMEMBERED = 10_000;

export interface Busy {
  inFlight: number;
  /** The thread time its recent requests took, in ms. */
  costMs: number;
  retryAfterSeconds: number;
}

interface Load {
  inFlight: number;
  costMs: number;
}

export class Admission {
  private readonly loads = new Map<string, Load>();
  /** Before a workspace has answered anything: an eighth of the time limit, so a first burst is capped too. */
  private readonly priorMs: number;
  private readonly budgetMs: number;

  constructor(timeoutMs: number) {
    this.priorMs = timeoutMs / 8;
    this.budgetMs = 2 * timeoutMs;
  }

  /** A release function once admitted (call it with the request's thread time when it is answered), or why not. */
  admit(workspaceId: string): { release(busyMs?: number): void } | { busy: Busy } {
    let load = this.loads.get(workspaceId);
    if (!load) {
      load = { inFlight: 0, costMs: this.priorMs };
      this.loads.set(workspaceId, load);
    }
    const { inFlight, costMs } = load;
    if (inFlight >= MAX_IN_FLIGHT || (inFlight > 0 && (inFlight + 1) * costMs > this.budgetMs)) {
      return { busy: { inFlight, costMs, retryAfterSeconds: Math.max(1, Math.ceil((inFlight * costMs) / 1000)) } };
    }
    load.inFlight++;
    const current = load;
    let released = false;
    return {
      release: (busyMs?: number) => {
        if (released) return;
        released = true;
        current.inFlight--;
        if (busyMs !== undefined && Number.isFinite(busyMs)) current.costMs += WEIGHT * (busyMs - current.costMs);
        if (current.inFlight === 0 && current.costMs <= this.priorMs && this.loads.size > REMEMBERED) this.loads.delete(workspaceId);
      },
    };
  }

  /** New code: what the old code cost says nothing about it. */
  forget(workspaceId: string) {
    const load = this.loads.get(workspaceId);
    if (load) load.costMs = this.priorMs;
  }
}
