import { createHmac, timingSafeEqual } from 'node:crypto';
import { base64url, decodeJwt, decodeProtectedHeader } from 'jose';

/**
 * jsonwebtoken's sign/verify/decode for learner code, HS256 only, computed by the host.
 * jsonwebtoken's API is synchronous and jose's signing is not, so the HMAC is node:crypto's and
 * jose does the encoding and decoding; tokens are ordinary JWTs (jose's jwtVerify accepts them).
 * Errors carry jsonwebtoken's names and messages; the shim turns them into its error classes.
 */

export class JwtError extends Error {
  constructor(
    name: 'JsonWebTokenError' | 'TokenExpiredError' | 'NotBeforeError',
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = name;
  }
}

type Options = Record<string, unknown>;

const UNITS: Record<string, number> = {
  ms: 0.001, msec: 0.001, msecs: 0.001, millisecond: 0.001, milliseconds: 0.001,
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
  y: 31557600, year: 31557600, years: 31557600,
};

/** "1h", "7d", "30 minutes" or a number of seconds (as jsonwebtoken reads expiresIn with ms). */
export function seconds(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.floor(value);
  if (typeof value === 'string') {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
    if (m) {
      const unit = (m[2] ?? '').toLowerCase();
      if (unit === '') return Math.floor(Number(m[1]) / 1000); // a bare numeric string is ms in jsonwebtoken
      const factor = UNITS[unit];
      if (factor !== undefined) return Math.floor(Number(m[1]) * factor);
    }
  }
  throw new Error(`"${option}" should be a number of seconds or string representing a timespan`);
}

function hmac(secret: string, data: string): Uint8Array {
  return createHmac('sha256', secret).update(data).digest();
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

function algorithmCheck(options: Options) {
  const alg = options.algorithm;
  if (alg !== undefined && alg !== 'HS256') {
    throw new Error(`The Backend Lab sandbox signs with HS256 only (got algorithm "${String(alg)}")`);
  }
}

export function sign(payload: unknown, secret: string, options: Options = {}): string {
  algorithmCheck(options);
  const now = Math.floor(Date.now() / 1000);
  let body: unknown;
  if (typeof payload === 'string') {
    if (options.expiresIn !== undefined) throw new Error('invalid expiresIn option for string payload');
    body = payload;
  } else if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
    const claims: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    if (options.noTimestamp !== true && claims.iat === undefined) claims.iat = now;
    const iat = typeof claims.iat === 'number' ? claims.iat : now;
    if (options.expiresIn !== undefined) {
      if (claims.exp !== undefined) throw new Error('Bad "options.expiresIn" option the payload already has an "exp" property.');
      claims.exp = iat + seconds(options.expiresIn, 'expiresIn');
    }
    if (options.notBefore !== undefined) claims.nbf = iat + seconds(options.notBefore, 'notBefore');
    for (const [option, claim] of [['audience', 'aud'], ['issuer', 'iss'], ['subject', 'sub'], ['jwtid', 'jti']] as const) {
      if (options[option] !== undefined) claims[claim] = options[option];
    }
    body = claims;
  } else {
    throw new Error('Expected "payload" to be a plain object.');
  }
  const extraHeader = options.header && typeof options.header === 'object' ? (options.header as Record<string, unknown>) : {};
  const header = { ...extraHeader, alg: 'HS256', typ: 'JWT' };
  if (options.keyid !== undefined) (header as Record<string, unknown>).kid = options.keyid;
  const encodedPayload = typeof body === 'string' ? base64url.encode(body) : encodeJson(body);
  const input = `${encodeJson(header)}.${encodedPayload}`;
  return `${input}.${base64url.encode(hmac(secret, input))}`;
}

function parts(token: string): [string, string, string] {
  const p = token.split('.');
  if (p.length !== 3) throw new JwtError('JsonWebTokenError', 'jwt malformed');
  return p as [string, string, string];
}

export function verify(token: string, secret: string, options: Options = {}): unknown {
  const [h, p, s] = parts(token);
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch {
    throw new JwtError('JsonWebTokenError', 'invalid token');
  }
  if (!s) throw new JwtError('JsonWebTokenError', 'jwt signature is required');
  const algorithms = Array.isArray(options.algorithms) ? options.algorithms : ['HS256'];
  if (header.alg !== 'HS256' || !algorithms.includes('HS256')) throw new JwtError('JsonWebTokenError', 'invalid algorithm');
  let given: Uint8Array;
  try {
    given = base64url.decode(s);
  } catch {
    throw new JwtError('JsonWebTokenError', 'invalid signature');
  }
  const expected = hmac(secret, `${h}.${p}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JwtError('JsonWebTokenError', 'invalid signature');
  }
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token) as Record<string, unknown>;
  } catch {
    // A string payload (jsonwebtoken allows them): no claims to check.
    try {
      return new TextDecoder().decode(base64url.decode(p));
    } catch {
      throw new JwtError('JsonWebTokenError', 'invalid token');
    }
  }
  const now = typeof options.clockTimestamp === 'number' ? options.clockTimestamp : Math.floor(Date.now() / 1000);
  const tolerance = typeof options.clockTolerance === 'number' ? options.clockTolerance : 0;
  if (typeof payload.nbf === 'number' && options.ignoreNotBefore !== true && payload.nbf > now + tolerance) {
    throw new JwtError('NotBeforeError', 'jwt not active', { date: new Date(payload.nbf * 1000).toISOString() });
  }
  if (typeof payload.exp === 'number' && options.ignoreExpiration !== true && now >= payload.exp + tolerance) {
    throw new JwtError('TokenExpiredError', 'jwt expired', { expiredAt: new Date(payload.exp * 1000).toISOString() });
  }
  if (options.audience !== undefined) {
    const wanted = Array.isArray(options.audience) ? options.audience : [options.audience];
    const got = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!got.some((a) => wanted.includes(a))) throw new JwtError('JsonWebTokenError', `jwt audience invalid. expected: ${wanted.join(' or ')}`);
  }
  if (options.issuer !== undefined) {
    const wanted = Array.isArray(options.issuer) ? options.issuer : [options.issuer];
    if (!wanted.includes(payload.iss)) throw new JwtError('JsonWebTokenError', `jwt issuer invalid. expected: ${wanted.join(',')}`);
  }
  if (options.subject !== undefined && payload.sub !== options.subject) {
    throw new JwtError('JsonWebTokenError', `jwt subject invalid. expected: ${String(options.subject)}`);
  }
  if (options.complete === true) return { header, payload, signature: s };
  return payload;
}

export function decode(token: string, options: Options = {}): unknown {
  try {
    const payload = decodeJwt(token);
    if (options.complete === true) return { header: decodeProtectedHeader(token), payload, signature: token.split('.')[2] };
    return payload;
  } catch {
    return null;
  }
}

