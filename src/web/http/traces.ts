import type { Trace, TraceStep } from '../../server/trace/types.ts';

export type { Trace, TraceStep };

export type TraceResult =
  | { kind: 'found'; trace: Trace }
  /** Never recorded, or expired: the server keeps recent journeys only. */
  | { kind: 'missing' }
  | { kind: 'failed'; message: string };

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Journeys never change once recorded, so one fetch per id is enough. */
const cache = new Map<string, Trace>();

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** Whether a URL went to this lab (the page's origin), where journeys are recorded. */
export function isLabUrl(url: string, origin = location.origin): boolean {
  try {
    return new URL(url, origin).origin === origin;
  } catch {
    return false;
  }
}

/**
 * GET /api/traces/:id. The server stores a journey when the response has gone out, so it may be
 * missing for a few milliseconds after the response arrived: a 404 is asked again a few times.
 */
export async function fetchTrace(id: string, options: { tries?: number; delayMs?: number; signal?: AbortSignal } = {}): Promise<TraceResult> {
  const { tries = 3, delayMs = 100, signal } = options;
  if (!TRACE_ID.test(id)) return { kind: 'failed', message: `"${id}" is not a trace id (32 hexadecimal characters).` };
  const cached = cache.get(id);
  if (cached) return { kind: 'found', trace: cached };
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`/api/traces/${id}`, { headers: { accept: 'application/json' }, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      return { kind: 'failed', message: `Could not reach the lab to read the journey: ${(error as Error).message}` };
    }
    if (response.ok) {
      const trace = (await response.json()) as Trace;
      if (!Array.isArray(trace.steps)) return { kind: 'failed', message: 'The server answered a journey without steps.' };
      cache.set(id, trace);
      return { kind: 'found', trace };
    }
    if (response.status !== 404) {
      let detail = `The server answered ${response.status}.`;
      try {
        detail = ((await response.json()) as { detail?: string }).detail ?? detail;
      } catch {
        // not JSON: keep the status
      }
      return { kind: 'failed', message: `Could not read the journey: ${detail}` };
    }
    if (attempt >= tries) return { kind: 'missing' };
    await sleep(delayMs, signal);
  }
}
