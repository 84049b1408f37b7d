import { AsyncLocalStorage } from 'node:async_hooks';
import type { TraceRecorder } from './recorder.ts';

/**
 * The trace of the request whose work is running. The SQL driver has no request object, so it
 * finds the trace here; the tracing plugin enters it in the first onRequest hook.
 */
export const traceContext = new AsyncLocalStorage<TraceRecorder>();

export const currentTrace = () => traceContext.getStore();
