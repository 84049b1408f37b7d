import type { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';
import type { FinishedRecording } from './recorder.ts';
import { keepRecording, readTrace } from './kept.ts';
import type { Trace } from './types.ts';
import { TraceIdIndex } from './id-index.ts';

export interface TraceStore {
  save(recording: FinishedRecording): void;
  get(id: string): Promise<Trace | undefined>;
  /** Traces held in this process (for the bounded-storage test and the bench). */
  readonly size: number;
  close(): Promise<void>;
}

interface Limits {
  max: number;
  ttlMs: number;
}

/** Room a slot's array starts with: a GET /api/me trace takes about 70 values. */
const SLOT_VALUES = 128;
/** A slot that held a very long trace gets a new array, so the ring does not keep its largest traces' room. */
const MAX_REUSED = 2048;

/**
 * The newest `max` traces younger than `ttlMs`, in a ring: the newest overwrites the oldest. Each
 * slot has an array made once and reused, into which a finished request is copied (kept.ts): keeping
 * the traces as objects cost the garbage collector more than recording them did. Writing each as
 * JSON or packing it into a binary form in a preallocated buffer were both measured too, and cost
 * more per request than keeping the objects. Ids are found through TraceIdIndex, not a Map.
 */
export class MemoryTraceStore implements TraceStore {
  private readonly ids: (string | undefined)[];
  private readonly values: unknown[][];
  private readonly lengths: Int32Array;
  private readonly startedAt: Float64Array;
  private readonly finishedAt: Float64Array;
  private readonly index: TraceIdIndex;
  private next = 0;
  private count = 0;

  constructor(private readonly limits: Limits) {
    this.ids = new Array<string | undefined>(limits.max).fill(undefined);
    this.values = [];
    this.lengths = new Int32Array(limits.max);
    this.startedAt = new Float64Array(limits.max);
    this.finishedAt = new Float64Array(limits.max);
    this.index = new TraceIdIndex(limits.max, (slot) => this.ids[slot]);
  }

  get size() {
    return this.count;
  }

  /** Keeps the recording; returns its slot. */
  save(recording: FinishedRecording): number {
    const slot = this.next;
    this.forget(slot);
    let values = this.values[slot];
    if (values === undefined || values.length > MAX_REUSED) values = this.values[slot] = new Array<unknown>(SLOT_VALUES).fill(0);
    const length = keepRecording(values, recording);
    // What a longer trace left behind is let go.
    for (let i = length; i < this.lengths[slot]!; i++) values[i] = 0;
    this.lengths[slot] = length;
    this.startedAt[slot] = recording.startedAt;
    this.finishedAt[slot] = recording.startedAt + recording.duration / 100;
    this.ids[slot] = recording.id;
    this.index.add(recording.id, slot);
    this.count++;
    this.next = (slot + 1) % this.limits.max;
    return slot;
  }

  private forget(slot: number) {
    const oldest = this.ids[slot];
    if (oldest === undefined) return;
    this.index.remove(slot);
    this.ids[slot] = undefined;
    this.count--;
  }

  async get(id: string) {
    const slot = this.index.find(id);
    if (slot === -1) return undefined;
    if (Date.now() - this.finishedAt[slot]! > this.limits.ttlMs) {
      this.forget(slot);
      return undefined;
    }
    return this.read(slot);
  }

  private read(slot: number) {
    return readTrace(this.values[slot]!, this.lengths[slot]!, this.ids[slot]!, this.startedAt[slot]!);
  }

  /**
   * For RedisTraceStore's batches: the trace `id` as kept in `slot`, if the slot still holds it and
   * it finished after `since` (epoch ms). Checked before the Trace is built, which costs.
   */
  held(slot: number, id: string, since: number): { trace: Trace; finishedAt: number } | undefined {
    if (this.ids[slot] !== id || this.finishedAt[slot]! <= since) return undefined;
    return { trace: this.read(slot), finishedAt: this.finishedAt[slot]! };
  }

  async close() {
    this.ids.fill(undefined);
    this.values.length = 0;
    this.lengths.fill(0);
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
  /** Slots and ids of traces not yet in Redis. */
  private queue: { slot: number; id: string }[] = [];
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

  save(recording: FinishedRecording) {
    this.queue.push({ slot: this.memory.save(recording), id: recording.id });
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
    // out an outage here), and one already too old is not written at all. Nor is one whose slot
    // newer traces have taken: it is no longer among the newest `max`.
    for (const { slot, id } of batch) {
      const held = this.memory.held(slot, id, oldest);
      if (held) args.push(id, held.finishedAt, JSON.stringify(held.trace));
    }
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
