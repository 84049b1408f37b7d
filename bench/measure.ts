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
