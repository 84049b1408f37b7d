import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { FinishedTrace } from './recorder.ts';
import type { Trace } from './types.ts';
import { TraceIdIndex } from './id-index.ts';

export interface TraceStore {
  save(trace: FinishedTrace): void;
  get(id: string): Promise<Trace | undefined>;
  /** Traces held in this process (for the bounded-storage test and the bench). */
  readonly size: number;
  close(): Promise<void>;
}

interface Limits {
  max: number;
  ttlMs: number;
}

/**
 * The newest `max` traces younger than `ttlMs`, in a ring: the newest overwrites the oldest. Each
 * is kept as the small object `finish` made and built into a Trace on first read. Writing each as
 * JSON, or packing it into a preallocated buffer in a binary form of our own, cost more than the
 * garbage collector spends keeping the objects: packing took 6.5 µs per trace inside the server,
 * keeping the objects 2–6 µs. The ids are found through TraceIdIndex, not a Map.
 */
export class MemoryTraceStore implements TraceStore {
  private readonly slots: (FinishedTrace | undefined)[];
  private readonly index: TraceIdIndex;
  private next = 0;
  private count = 0;

  constructor(private readonly limits: Limits) {
    this.slots = new Array<FinishedTrace | undefined>(limits.max).fill(undefined);
    this.index = new TraceIdIndex(limits.max, (slot) => this.slots[slot]?.id);
  }

  get size() {
    return this.count;
  }

  save(trace: FinishedTrace) {
    const slot = this.next;
    this.forget(slot);
    this.slots[slot] = trace;
    this.index.add(trace.id, slot);
    this.count++;
    this.next = (slot + 1) % this.limits.max;
  }

  private forget(slot: number) {
    const oldest = this.slots[slot];
    if (!oldest) return;
    this.index.remove(oldest.id, slot);
    this.slots[slot] = undefined;
    this.count--;
  }

  async get(id: string) {
    const slot = this.index.find(id);
    if (slot === -1) return undefined;
    const trace = this.slots[slot]!;
    if (Date.now() - trace.finishedAt > this.limits.ttlMs) {
      this.forget(slot);
      return undefined;
    }
    return trace.toTrace();
  }

  async close() {
    this.slots.fill(undefined);
    this.index.clear();
    this.count = 0;
    this.next = 0;
  }
}

/**
 * Saves into a hash (id → JSON) with a sorted set of save times beside it; the script trims both
 * to the newest `max` and drops those older than the TTL, so Redis holds a bounded number.
 */
const SAVE_AND_TRIM = `
for i = 3, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2], 'LIMIT', 0, 5000)
local over = redis.call('ZCARD', KEYS[2]) - #gone - tonumber(ARGV[1])
if over > 0 then
  local oldest = redis.call('ZRANGE', KEYS[2], #gone, #gone + math.min(over, 5000) - 1)
  for _, id in ipairs(oldest) do table.insert(gone, id) end
end
for i = 1, #gone, 500 do
  local chunk = {}
  for j = i, math.min(i + 499, #gone) do table.insert(chunk, gone[j]) end
  redis.call('HDEL', KEYS[1], unpack(chunk))
  redis.call('ZREM', KEYS[2], unpack(chunk))
end
return #gone
`;

const FLUSH_EVERY_MS = 50;

/**
 * Memory first (this instance answers its own traces at once), Redis behind it so any instance can
 * answer for any trace. Writes are batched every 50 ms into one script call; while Redis is away
 * traces stay in memory only.
 */
export class RedisTraceStore implements TraceStore {
  private readonly memory: MemoryTraceStore;
  private queue: FinishedTrace[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly hashKey: string;
  private readonly timesKey: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly limits: Limits,
    private readonly log: FastifyBaseLogger,
  ) {
    this.memory = new MemoryTraceStore(limits);
    this.hashKey = `${prefix}traces`;
    this.timesKey = `${prefix}traces:times`;
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  get size() {
    return this.memory.size;
  }

  save(trace: FinishedTrace) {
    this.memory.save(trace);
    this.queue.push(trace);
    if (this.queue.length > this.limits.max) this.queue.splice(0, this.queue.length - this.limits.max);
  }

  async get(id: string) {
    const local = await this.memory.get(id);
    if (local) return local;
    try {
      const [json, at] = await Promise.all([this.redis.hget(this.hashKey, id), this.redis.zscore(this.timesKey, id)]);
      if (!json || !at || Date.now() - Number(at) > this.limits.ttlMs) return undefined;
      return JSON.parse(json) as Trace;
    } catch {
      return undefined;
    }
  }

  flush(): Promise<void> {
    if (this.queue.length === 0 || this.redis.status !== 'ready') return this.flushing;
    const batch = this.queue;
    this.queue = [];
    const oldest = Date.now() - this.limits.ttlMs;
    const args: (string | number)[] = [this.limits.max, oldest];
    // JSON only here, in the batch for Redis: the request path never pays for it. A trace's age
    // counts from when its request finished, not from when it reached Redis (it may have waited
    // out an outage here), and one already too old is not written at all.
    for (const trace of batch) if (trace.finishedAt > oldest) args.push(trace.id, trace.finishedAt, JSON.stringify(trace.toTrace()));
    if (args.length === 2) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.redis.eval(SAVE_AND_TRIM, 2, this.hashKey, this.timesKey, ...args))
      .then(
        () => undefined,
        (error: unknown) => this.log.warn({ err: error, dropped: batch.length }, 'could not save traces to Redis'),
      );
    return this.flushing;
  }

  async close() {
    clearInterval(this.timer);
    await this.flush();
    await this.memory.close();
  }
}
