/// <reference lib="webworker" />
/**
 * The script worker: pre-request and test scripts, the request between them, and the scratchpad's
 * code all run here, off the page's thread. The page ends this worker when a script runs too long.
 */
import { runClientCode } from './client-script.ts';
import { runLabRequest } from './lab-request.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

const post = (message: FromWorker) => postMessage(message);

addEventListener('message', async (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'client-script') {
    await runClientCode(message.code, {
      baseUrl: message.baseUrl,
      log: (level, text) => post({ type: 'console', id: message.id, line: { level, text, source: 'client script' } }),
      onWaiting: (waiting) => post({ type: 'phase', id: message.id, phase: waiting ? 'network' : 'script' }),
    });
    post({ type: 'result', id: message.id, result: { tests: [] } });
    return;
  }
  const result = await runLabRequest(message, post);
  post({ type: 'result', id: message.id, result });
});
