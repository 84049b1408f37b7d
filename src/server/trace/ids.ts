import { randomFillSync } from 'node:crypto';

/**
 * 128-bit random ids in hex, cut from a pool refilled 4 KiB at a time and turned into hex in one
 * call: one randomBytes call per request was 4% of a traced request's CPU, and one hex conversion
 * per id was another native call on every request. An id is a slice of the pool's hex text, which
 * stays alive as long as a kept trace holds one of its ids (8 KiB per 256 ids).
 */
const pool = Buffer.alloc(4096);
let hex = '';
let offset = pool.length;

export function randomHex(bytes: 8 | 16): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    hex = pool.toString('hex');
    offset = 0;
  }
  const id = hex.slice(offset * 2, (offset + bytes) * 2);
  offset += bytes;
  return id;
}
