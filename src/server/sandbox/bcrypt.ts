import { randomBytes } from 'node:crypto';
import * as bcrypt from '@node-rs/bcrypt';

/**
 * The `bcrypt` package's API for learner code, hashed by @node-rs/bcrypt on libuv's thread pool.
 * Salts are the standard "$2b$<cost>$<22 characters>" strings, so `hash(pw, await genSalt(10))`
 * behaves as with the npm package; hashes are spelled $2b$ like that package's ($2y$ and $2b$ are
 * the same algorithm).
 */

/** Rounds are capped so one request cannot hold a thread for seconds. */
export const MAX_BCRYPT_ROUNDS = 12;

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's own base64 (its alphabet, no padding). */
function encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a = 0, b = 0, c = 0] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    out += ALPHABET[a >> 2]! + ALPHABET[((a & 3) << 4) | (b >> 4)]!;
    if (i + 1 < bytes.length) out += ALPHABET[((b & 15) << 2) | (c >> 6)]!;
    if (i + 2 < bytes.length) out += ALPHABET[c & 63]!;
  }
  return out;
}

function decode(text: string, length: number): Uint8Array {
  const values = [...text].map((ch) => ALPHABET.indexOf(ch));
  if (values.some((v) => v < 0)) throw new Error('Invalid salt: it has characters bcrypt salts do not use');
  const out = new Uint8Array(length);
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const v of values) {
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8 && n < length) {
      bits -= 8;
      out[n++] = (acc >> bits) & 255;
    }
  }
  return out;
}

export function rounds(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 4 || n > 31) throw new Error(`Invalid salt rounds: ${String(value)} (use a number from 4 to ${MAX_BCRYPT_ROUNDS})`);
  return Math.min(n, MAX_BCRYPT_ROUNDS);
}

export function genSalt(cost: unknown): string {
  return `$2b$${String(rounds(cost)).padStart(2, '0')}$${encode(randomBytes(16))}`;
}

/** A salt string or a number of rounds, as the npm package takes them. */
function costAndSalt(saltOrRounds: unknown): { cost: number; salt?: Uint8Array; version: string } {
  if (typeof saltOrRounds === 'string' && saltOrRounds.startsWith('$2')) {
    const m = /^\$(2[abxy])\$(\d\d)\$([./A-Za-z0-9]{22})/.exec(saltOrRounds);
    if (!m) throw new Error('Invalid salt. Salt must be in the form of: $Vers$log2(NumRounds)$saltvalue');
    const cost = Number(m[2]);
    if (cost > MAX_BCRYPT_ROUNDS) throw new Error(`Salt rounds above ${MAX_BCRYPT_ROUNDS} are not allowed in the Backend Lab`);
    return { cost: rounds(cost), salt: decode(m[3]!, 16), version: m[1]! };
  }
  return { cost: rounds(saltOrRounds), version: '2b' };
}

/** The library writes $2y$; the hash is spelled with the salt's version ($2b$ by default). */
const spelled = (hash: string, version: string) => hash.replace(/^\$2[abxy]\$/, `$${version}$`);

export async function hash(password: string, saltOrRounds: unknown): Promise<string> {
  const { cost, salt, version } = costAndSalt(saltOrRounds);
  return spelled(await bcrypt.hash(password, cost, salt), version);
}

export function hashSync(password: string, saltOrRounds: unknown): string {
  const { cost, salt, version } = costAndSalt(saltOrRounds);
  return spelled(bcrypt.hashSync(password, cost, salt), version);
}

export const compare = (password: string, hashed: string) => bcrypt.verify(password, hashed);
export const compareSync = (password: string, hashed: string) => bcrypt.verifySync(password, hashed);
