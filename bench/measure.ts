import autocannon from 'autocannon';

export interface Measurement {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

export interface Load {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request (for bodies that must differ, such as one order per user and course). */
  next?: () => { headers: Record<string, string>; body: string };
  connections?: number;
  seconds?: number;
}

export async function measure(name: string, load: Load): Promise<Measurement> {
  const { url, next } = load;
  const result = await autocannon({
    url,
    method: load.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...load.headers },
    body: load.body,
    connections: load.connections ?? 50,
    duration: load.seconds ?? 8,
    requests: next
      ? [
          {
            setupRequest: (req) => {
              const request = next();
              return { ...req, body: request.body, headers: { ...req.headers, ...request.headers } };
            },
          },
        ]
      : undefined,
  });
  return { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx + result.errors };
}

/** A short run first, so JIT warm-up and caches do not count against whoever goes first. */
export async function warmUp(load: Load) {
  await measure('warm-up', { ...load, seconds: 5 });
}

export const ROUNDS = 3;
export const ROUND_SECONDS = 4;

/**
 * Warms each contender, then measures each in ROUNDS rounds of ROUND_SECONDS, rotating the order:
 * req/s is the mean of the rounds, p50 and p99 their medians.
 */
export async function interleave(results: Record<string, Measurement>, contenders: [string, string, Load][]) {
  for (const [, , load] of contenders) await warmUp(load);
  const rounds = new Map<string, Measurement[]>(contenders.map(([key]) => [key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const [key, name, load] = contenders[(i + round) % contenders.length]!;
      rounds.get(key)!.push(await measure(name, { ...load, seconds: ROUND_SECONDS }));
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const [key, name] of contenders) {
    const ms = rounds.get(key)!;
    results[key] = { name, rps: ms.reduce((sum, m) => sum + m.rps, 0) / ms.length, p50: median(ms.map((m) => m.p50)), p99: median(ms.map((m) => m.p99)), non2xx: ms.reduce((sum, m) => sum + m.non2xx, 0) };
    console.log(`  measured ${name}`);
  }
}

/**
 * 24 pairs of 1 s rather than 8 of 2 s: for half as long again, a median of three times as many
 * pairs. (autocannon runs at least a second whatever it is given.)
 */
export const PAIRS = 24;
export const PAIR_SECONDS = 1;

export interface PairedRatio {
  /** Median of the pairs' a ÷ b. */
  ratio: number;
  low: number;
  high: number;
}

/**
 * a ÷ b from PAIRS back-to-back pairs of PAIR_SECONDS, every other pair in the other order. A ratio
 * between two runs 4–16 s apart (as in `interleave`) moved with the machine: on these shared cores a
 * server measured twice a minute apart differed by up to 2×, and the two ends of one ratio must
 * see the same machine. Both should be warm (measured in `interleave` first).
 */
export async function pairedRatio(a: Load, b: Load): Promise<PairedRatio> {
  const ratios: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    const first = pair % 2 === 0 ? a : b;
    const second = pair % 2 === 0 ? b : a;
    const one = await measure('pair', { ...first, seconds: PAIR_SECONDS });
    const two = await measure('pair', { ...second, seconds: PAIR_SECONDS });
    ratios.push(pair % 2 === 0 ? one.rps / two.rps : two.rps / one.rps);
  }
  ratios.sort((x, y) => x - y);
  const middle = ratios.length / 2;
  return { ratio: (ratios[Math.floor(middle - 0.5)]! + ratios[Math.ceil(middle - 0.5)]!) / 2, low: ratios[0]!, high: ratios[ratios.length - 1]! };
}
