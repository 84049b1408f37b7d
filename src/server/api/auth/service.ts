import type { FastifyRequest } from 'fastify';
import { badRequest, conflict, HttpProblem } from '../../errors.ts';
import { isUniqueViolation } from '../../db/connection.ts';
import type { UserRow } from '../../db/schema.ts';
import { ACCESS_TOKEN_SECONDS } from '../../plugins/auth.ts';
import { increment } from '../../plugins/counters.ts';
import { changePassword, findUserByEmail, findUserById, insertUser, toPublicUser } from '../users/queries.ts';
import { isCommonPassword } from './passwords.ts';
import { issueRefreshToken, revokeSessionOf, rotateRefreshToken } from './refresh-tokens.ts';

const FAILED_LOGIN_WINDOW_MS = 15 * 60_000;

const invalidCredentials = () =>
  // One answer for "no such email" and "wrong password", so the response does not reveal accounts.
  new HttpProblem(401, 'The email or password is not correct.', { type: 'invalid-credentials', title: 'Invalid credentials' });

const invalidRefreshToken = (detail: string) => new HttpProblem(401, detail, { type: 'invalid-refresh-token', title: 'Invalid refresh token' });

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

function refuseCommonPassword(password: string, path: string) {
  if (isCommonPassword(password)) {
    throw badRequest('The request has invalid fields; see errors for each one.', [
      { path, message: 'is one of the most common passwords; choose one that is harder to guess' },
    ]);
  }
}

async function tokenPair(request: FastifyRequest, user: UserRow, refreshToken?: string) {
  const app = request.server;
  return {
    accessToken: app.signAccessToken(user),
    tokenType: 'Bearer' as const,
    expiresIn: ACCESS_TOKEN_SECONDS,
    refreshToken: refreshToken ?? (await issueRefreshToken(request.db, user.id)),
    user: toPublicUser(user),
  };
}

export async function registerUser(request: FastifyRequest, input: { email: string; password: string; name: string }) {
  const { passwords } = request.server;
  refuseCommonPassword(input.password, 'password');
  const passwordHash = await passwords.hash(input.password, request.trace);
  try {
    const user = await insertUser(request.db, { email: normalizeEmail(input.email), name: input.name.trim() || input.name, role: 'user', passwordHash });
    return tokenPair(request, user);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('An account with this email already exists; log in instead.');
    throw error;
  }
}

export async function logIn(request: FastifyRequest, input: { email: string; password: string }) {
  const { server: app } = request;
  const { passwords } = app;
  const email = normalizeEmail(input.email);
  const failureKey = `login-failures:${email}`;
  const failures = await app.loginFailures.read(failureKey, FAILED_LOGIN_WINDOW_MS);
  if (failures.current >= app.config.loginFailuresPerAccount) {
    throw tooManyFailures(Math.ceil(failures.ttl / 1000));
  }
  const user = await findUserByEmail(request.db, email);
  const ok = user ? await passwords.verify(user.password_hash, input.password, request.trace) : (await passwords.verifyAgainstNobody(input.password, request.trace), false);
  if (!user || !ok) {
    await increment(app.loginFailures.store, failureKey, FAILED_LOGIN_WINDOW_MS, app.config.loginFailuresPerAccount);
    throw invalidCredentials();
  }
  return tokenPair(request, user);
}

function tooManyFailures(retryAfterSeconds: number) {
  return new HttpProblem(
    429,
    `Too many failed logins for this account. Try again in ${retryAfterSeconds} s; other accounts are not affected.`,
    { type: 'too-many-failed-logins', headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}

export async function refreshTokens(request: FastifyRequest, token: string) {
  const rotation = await rotateRefreshToken(request.db, token);
  switch (rotation.outcome) {
    case 'rotated': {
      const user = await findUserById(request.db, rotation.userId);
      if (!user) throw invalidRefreshToken('The account of this refresh token no longer exists.');
      return tokenPair(request, user, rotation.token);
    }
    case 'reused':
      request.log.warn({ userId: rotation.userId }, 'refresh token reused: its session was revoked');
      throw invalidRefreshToken('This refresh token was already used. For safety the whole session is now signed out; log in again.');
    case 'expired':
      throw invalidRefreshToken('The refresh token has expired; log in again.');
    case 'revoked':
      throw invalidRefreshToken('The refresh token was revoked (logout or password change); log in again.');
    case 'unknown':
      throw invalidRefreshToken('The refresh token is not recognised; log in again.');
  }
}

export async function logOut(request: FastifyRequest, userId: number, refreshToken: string) {
  await revokeSessionOf(request.db, refreshToken, userId);
}

export async function updatePassword(request: FastifyRequest, userId: number, input: { currentPassword: string; newPassword: string }) {
  const { passwords } = request.server;
  const user = await findUserById(request.db, userId);
  if (!user || !(await passwords.verify(user.password_hash, input.currentPassword, request.trace))) {
    throw new HttpProblem(403, 'The current password is not correct.', { type: 'wrong-current-password' });
  }
  if (input.currentPassword.normalize('NFKC') === input.newPassword.normalize('NFKC')) {
    throw badRequest('The request has invalid fields; see errors for each one.', [{ path: 'newPassword', message: 'must differ from the current password' }]);
  }
  refuseCommonPassword(input.newPassword, 'newPassword');
  await changePassword(request.db, userId, await passwords.hash(input.newPassword, request.trace));
}
