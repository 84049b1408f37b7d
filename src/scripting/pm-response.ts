/** pm.response, and the response pm.sendRequest hands to its callback: the same read-only shape. */
import { expect } from 'chai';
import './pm-assertions.ts';
import { pairList } from './pm-list.ts';
import { RESPONSE } from './pm-marker.ts';
import type { ScriptResponse } from './types.ts';

export class JSONError extends Error {
  override name = 'JSONError';
}

export function createPmResponse(source: ScriptResponse) {
  const headerBytes = source.headers.reduce((sum, h) => sum + h.key.length + h.value.length + 4, 0);
  const response = {
    [RESPONSE]: source,
    code: source.code,
    status: source.status,
    headers: pairList(() => source.headers, true),
    responseTime: source.responseTime,
    responseSize: source.size,
    text: () => source.body,
    json(): any {
      try {
        // A BOM is legal before JSON text but JSON.parse refuses it; Postman strips it too.
        return JSON.parse(source.body.replace(/^\uFEFF/, ''));
      } catch (error) {
        throw new JSONError((error as Error).message);
      }
    },
    reason: () => source.status,
    size: () => ({ body: source.size, header: headerBytes, total: source.size + headerBytes }),
    toJSON: () => ({ code: source.code, status: source.status, header: source.headers, body: source.body, responseTime: source.responseTime }),
    /** pm.response.to.have.status(200) is chai's expect(pm.response).to with our plugin. */
    get to() {
      return expect(response).to;
    },
    get be() {
      return expect(response).to.be;
    },
  };
  return response;
}

export type PmResponse = ReturnType<typeof createPmResponse>;
