import { runCollection } from '../../scripting/index.ts';
import { consoleReporter, progressReporter, trackedSend, workerResult } from './lab-request.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';

/**
 * A collection (or folder) run inside the worker, through the same runCollection that newman is
 * checked against, so the lab and newman count passed, failed and skipped tests alike. Each
 * request is reported as soon as it is done; `stop` ends the run before the next one.
 */
export async function runLabCollection(message: Extract<ToWorker, { type: 'run-collection' }>, post: (m: FromWorker) => void, stop: AbortSignal) {
  const { id } = message;
  const { send, take } = trackedSend(id, post, stop);
  await runCollection(message.collection, {
    folderId: message.folderId,
    environment: message.environment,
    globals: message.globals,
    baseUrl: message.baseUrl,
    environmentName: message.environmentName,
    send,
    signal: stop,
    console: consoleReporter(id, post),
    onProgress: progressReporter(id, post),
    onResult: (result) => {
      const view = workerResult(id, post, result, take());
      // A request that Stop cut off is not an error of the collection.
      const cut = stop.aborted && !result.response;
      post({ type: 'item-result', id, result: { ...view, ...(cut ? { stopped: true } : {}), item: { id: result.item.id, name: result.item.name, method: result.request.method } } });
    },
  });
}
