import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from '../errors.ts';
import { findUserById, type PublicUser, toPublicUser } from '../api/users/queries.ts';
import type { Role } from '../db/schema.ts';
import { oneCopy } from '../trace/one-copy.ts';
import { ago, recordAuthorize } from '../trace/steps.ts';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
const ISSUER = 'backend-lab';

/** What an access token says. The role is not in it: it is read from the database every time. */
export interface AccessClaims {
  sub: string;
  /** The user's token_version when the token was issued. */
  tv: number;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: PublicUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook: 401 unless a valid, current access token names an existing user. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** onRequest hook, after authenticate: 403 unless the caller has the role. */
    requireRole: (role: Role) => (request: FastifyRequest) => Promise<void>;
    signAccessToken: (user: { id: number; token_version: number }) => string;
  }
}

const TOKEN_ERRORS: Record<string, string> = {
  FAST_JWT_EXPIRED: 'The access token has expired; refresh it or log in again.',
  FAST_JWT_INVALID_SIGNATURE: 'The access token signature is not valid.',
  FAST_JWT_INVALID_ALGORITHM: 'The access token uses an algorithm this API does not accept.',
  FAST_JWT_MALFORMED: 'The access token is malformed.',
  FAST_JWT_INACTIVE: 'The access token is not valid yet.',
};

function unauthorized(detail: string, error?: 'invalid_token') {
  // RFC 6750 §3: name the scheme, and the error code only when a token was presented.
  const challenge = error ? `Bearer realm="backend-lab", error="${error}", error_description="${detail.replace(/"/g, "'")}"` : 'Bearer realm="backend-lab"';
  return new HttpProblem(401, detail, { type: 'unauthorized', headers: { 'www-authenticate': challenge } });
}

async function authPlugin(app: FastifyInstance, options: { secret: string }) {
  await app.register(fastifyJwt, {
    secret: options.secret,
    // Pin the algorithm both ways: "alg: none" and algorithm-confusion tokens fail verification.
    sign: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_SECONDS, iss: ISSUER },
    // cache: a token verified once is not verified again until it expires (fast-jwt keys the cache by
    // the whole token, so a changed byte is a miss). The user row is still read on every request.
    verify: { algorithms: ['HS256'], allowedIss: ISSUER, requiredClaims: ['sub', 'exp', 'iat', 'iss'], cache: true },
  });

  app.decorate('signAccessToken', (user: { id: number; token_version: number }) =>
    app.jwt.sign({ sub: String(user.id), tv: user.token_version }),
  );

  /** Checks the access token; throws a 401 problem and tells the trace why. */
  async function verifyAccess(request: FastifyRequest, refuse: (reason: string, detail?: Record<string, unknown>) => void) {
    const header = request.headers.authorization;
    if (!header) {
      refuse('no access token was sent — log in and send it as Authorization: Bearer <token>');
      throw unauthorized('This endpoint needs an access token: send Authorization: Bearer <token>.');
    }
    const [scheme, token, extra] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      refuse(`the Authorization header is "${scheme ?? ''} …", not "Bearer <token>"`);
      throw unauthorized('The Authorization header must be "Bearer <token>".', 'invalid_token');
    }
    let claims: AccessClaims;
    try {
      claims = app.jwt.verify<AccessClaims>(token);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      refuse(...tokenRefusal(code, token));
      throw unauthorized(TOKEN_ERRORS[code] ?? 'The access token is not valid.', 'invalid_token');
    }
    const userId = Number(claims.sub);
    const row = Number.isSafeInteger(userId) ? await findUserById(request.db, userId) : undefined;
    if (!row || row.token_version !== claims.tv) {
      refuse(row ? `the token of user ${userId} was issued before a password change, so it no longer counts — log in again` : `user ${claims.sub} no longer exists`, { userId });
      throw unauthorized('The access token is no longer valid; log in again.', 'invalid_token');
    }
    request.user = toPublicUser(row);
  }

  /** Why a token failed, in words, and how long ago an expired one expired. */
  function tokenRefusal(code: string, token: string): [string, Record<string, unknown>] {
    if (code === 'FAST_JWT_EXPIRED') {
      const exp = (app.jwt.decode<{ exp?: number }>(token) ?? {}).exp;
      const seconds = typeof exp === 'number' ? Date.now() / 1000 - exp : undefined;
      const when = seconds === undefined ? '' : ` ${ago(seconds)}`;
      return [`the token expired${when} — log in again or refresh it`, seconds === undefined ? {} : { expiredSecondsAgo: Math.round(seconds) }];
    }
    if (code === 'FAST_JWT_INVALID_SIGNATURE') return ['the token has a bad signature — this server did not sign it, or it was changed', {}];
    if (code === 'FAST_JWT_INVALID_ALGORITHM') return ['the token is signed with an algorithm this API does not accept (only HS256)', {}];
    if (code === 'FAST_JWT_INACTIVE') return ['the token is not valid yet', {}];
    return ['the token is malformed — it is not a JWT of this server', {}];
  }

  // Made when the trace is read (see StepName in trace/recorder.ts).
  const allowedName = (d: Record<string, unknown>) => `Bearer token of user ${String(d.userId)} (${String(d.role)})`;

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const trace = request.trace;
    const start = trace?.now() ?? 0;
    let refusal: { reason: string; detail: Record<string, unknown> } | undefined;
    try {
      await verifyAccess(request, (reason, detail = {}) => {
        refusal = { reason, detail };
      });
    } catch (error) {
      if (trace) {
        const reason = refusal?.reason ?? 'the token could not be checked';
        const name = request.headers.authorization ? 'Bearer token refused' : 'no access token';
        trace.add('auth', name, start, trace.now() - start, 'denied', { ...refusal?.detail, reason, explanation: `401: ${reason}` });
      }
      throw error;
    }
    // The role as a shared string: the database hands out a new one with every row.
    trace?.add('auth', allowedName, start, trace.now() - start, 'allowed', { userId: request.user.id, role: oneCopy(request.user.role) });
  });

  app.decorate('requireRole', (role: Role) => async (request: FastifyRequest) => {
    if (request.user?.role !== role) {
      recordAuthorize(request, `${role} only`, false, `only ${role}s may do this; you are user ${request.user?.id} with the role ${request.user?.role}`);
      throw new HttpProblem(403, `This action needs the ${role} role.`, { type: 'forbidden' });
    }
    recordAuthorize(request, `${role} only`, true, `user ${request.user.id} has the role ${role}`);
  });
}

export const auth = fp(authPlugin, { name: 'auth', dependencies: ['db'] });
