import { randomHex } from './ids.ts';

/** W3C Trace Context: version-traceid-parentid-flags, lower-case hex. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZEROS = /^0+$/;

export interface TraceParent {
  traceId: string;
  parentId: string | undefined;
  flags: string;
}

/** The incoming traceparent when it is valid, else a new trace. */
export function continueTrace(header: string | string[] | undefined): TraceParent {
  const m = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (m && !ZEROS.test(m[1]!) && !ZEROS.test(m[2]!)) return { traceId: m[1]!, parentId: m[2]!, flags: m[3]! };
  return { traceId: randomHex(16), parentId: undefined, flags: '01' };
}
