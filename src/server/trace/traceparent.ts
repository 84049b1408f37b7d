import { randomHex } from './ids.ts';

/**
 * W3C Trace Context: version-traceid-parentid-flags, lower-case hex. Version 00 is exactly that;
 * a later version may append fields, and its first four are read as 00's (version ff is invalid).
 */
const TRACEPARENT = /^(?:00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})|(?!00|ff)[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?)$/;
const ZEROS = /^0+$/;

export interface TraceParent {
  traceId: string;
  parentId: string | undefined;
  flags: string;
}

/** The incoming traceparent when it is valid, else a new trace. */
export function continueTrace(header: string | string[] | undefined): TraceParent {
  const m = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  const [traceId, parentId, flags] = m ? (m[1] ? [m[1], m[2]!, m[3]!] : [m[4]!, m[5]!, m[6]!]) : [];
  if (traceId && parentId && flags && !ZEROS.test(traceId) && !ZEROS.test(parentId)) return { traceId, parentId, flags };
  return { traceId: randomHex(16), parentId: undefined, flags: '01' };
}
