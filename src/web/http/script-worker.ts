/// <reference lib="webworker" />
/**
 * The script worker: pre-request and test scripts, the request between them, and the scratchpad's
 * code all run here, off the page's thread. The page ends this worker when a script runs too long.
 */
import { runClientCode } from './client-script.ts';
import { runLabCollection } from './lab-collection.ts';
import { runLabRequest } from './lab-request.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const post = (message: FromWorker) => postMessage(message);
const stops = new Map<string, AbortController>();

addEventListener('message', async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'client-script':
      await runClientCode(message.code, {
        baseUrl: message.baseUrl,
        log: (level, text) => post({ type: 'console', id: message.id, line: { level, text, source: 'client script' } }),
        onWaiting: (waiting) => post({ type: 'phase', id: message.id, phase: waiting ? 'network' : 'script' }),
      });
      post({ type: 'result', id: message.id, result: { tests: [] } });
      return;
    case 'stop':
      stops.get(message.id)?.abort();
      return;
    case 'run-collection': {
      const stop = new AbortController();
      stops.set(message.id, stop);
      let error: string | undefined;
      try {
        await runLabCollection(message, post, stop.signal);
      } catch (thrown) {
        error = (thrown as Error).message;
      } finally {
        stops.delete(message.id);
      }
      post({ type: 'result', id: message.id, result: { tests: [], stopped: stop.signal.aborted, error } });
      return;
    }
    case 'run':
      post({ type: 'result', id: message.id, result: await runLabRequest(message, post) });
  }
});
