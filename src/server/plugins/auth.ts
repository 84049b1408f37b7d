import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpProblem } from '../errors.ts';
import { findUserById, type PublicUser, toPublicUser } from '../api/users/queries.ts';
import type { Role } from '../db/schema.ts';

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
    verify: { algorithms: ['HS256'], allowedIss: ISSUER, requiredClaims: ['sub', 'exp', 'iat', 'iss'] },
  });

  app.decorate('signAccessToken', (user: { id: number; token_version: number }) =>
    app.jwt.sign({ sub: String(user.id), tv: user.token_version }),
  );

  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('This endpoint needs an access token: send Authorization: Bearer <token>.');
    const [scheme, token, extra] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || extra !== undefined) {
      throw unauthorized('The Authorization header must be "Bearer <token>".', 'invalid_token');
    }
    let claims: AccessClaims;
    try {
      claims = app.jwt.verify<AccessClaims>(token);
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      throw unauthorized(TOKEN_ERRORS[code] ?? 'The access token is not valid.', 'invalid_token');
    }
    const userId = Number(claims.sub);
    const row = Number.isSafeInteger(userId) ? await findUserById(app.db.kysely, userId) : undefined;
    if (!row || row.token_version !== claims.tv) {
      throw unauthorized('The access token is no longer valid; log in again.', 'invalid_token');
    }
    request.user = toPublicUser(row);
  });

  app.decorate('requireRole', (role: Role) => async (request: FastifyRequest) => {
    if (request.user?.role !== role) {
      throw new HttpProblem(403, `This action needs the ${role} role.`, { type: 'forbidden' });
    }
  });
}

export const auth = fp(authPlugin, { name: 'auth', dependencies: ['db'] });
