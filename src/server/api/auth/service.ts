import type { FastifyInstance } from 'fastify';
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

async function tokenPair(app: FastifyInstance, user: UserRow, refreshToken?: string) {
  return {
    accessToken: app.signAccessToken(user),
    tokenType: 'Bearer' as const,
    expiresIn: ACCESS_TOKEN_SECONDS,
    refreshToken: refreshToken ?? (await issueRefreshToken(app.db.kysely, user.id)),
    user: toPublicUser(user),
  };
}

export async function registerUser(app: FastifyInstance, input: { email: string; password: string; name: string }) {
  refuseCommonPassword(input.password, 'password');
  const passwordHash = await app.passwords.hash(input.password);
  try {
    const user = await insertUser(app.db.kysely, { email: normalizeEmail(input.email), name: input.name.trim() || input.name, role: 'user', passwordHash });
    return tokenPair(app, user);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('An account with this email already exists; log in instead.');
    throw error;
  }
}

export async function logIn(app: FastifyInstance, input: { email: string; password: string }) {
  const email = normalizeEmail(input.email);
  const failureKey = `login-failures:${email}`;
  const failures = await app.loginFailures.read(failureKey, FAILED_LOGIN_WINDOW_MS);
  if (failures.current >= app.config.loginFailuresPerAccount) {
    throw tooManyFailures(Math.ceil(failures.ttl / 1000));
  }
  const user = await findUserByEmail(app.db.kysely, email);
  const ok = user ? await app.passwords.verify(user.password_hash, input.password) : (await app.passwords.verifyAgainstNobody(input.password), false);
  if (!user || !ok) {
    await increment(app.loginFailures.store, failureKey, FAILED_LOGIN_WINDOW_MS, app.config.loginFailuresPerAccount);
    throw invalidCredentials();
  }
  return tokenPair(app, user);
}

function tooManyFailures(retryAfterSeconds: number) {
  return new HttpProblem(
    429,
    `Too many failed logins for this account. Try again in ${retryAfterSeconds} s, or reset your password.`,
    { type: 'too-many-failed-logins', headers: { 'retry-after': String(retryAfterSeconds) } },
  );
}

export async function refreshTokens(app: FastifyInstance, token: string) {
  const rotation = await rotateRefreshToken(app.db.kysely, token);
  switch (rotation.outcome) {
    case 'rotated': {
      const user = await findUserById(app.db.kysely, rotation.userId);
      if (!user) throw invalidRefreshToken('The account of this refresh token no longer exists.');
      return tokenPair(app, user, rotation.token);
    }
    case 'reused':
      app.log.warn({ userId: rotation.userId }, 'refresh token reused: its session was revoked');
      throw invalidRefreshToken('This refresh token was already used. For safety the whole session is now signed out; log in again.');
    case 'expired':
      throw invalidRefreshToken('The refresh token has expired; log in again.');
    case 'revoked':
      throw invalidRefreshToken('The refresh token was revoked (logout or password change); log in again.');
    case 'unknown':
      throw invalidRefreshToken('The refresh token is not recognised; log in again.');
  }
}

export async function logOut(app: FastifyInstance, userId: number, refreshToken: string) {
  await revokeSessionOf(app.db.kysely, refreshToken, userId);
}

export async function updatePassword(app: FastifyInstance, userId: number, input: { currentPassword: string; newPassword: string }) {
  const user = await findUserById(app.db.kysely, userId);
  if (!user || !(await app.passwords.verify(user.password_hash, input.currentPassword))) {
    throw new HttpProblem(403, 'The current password is not correct.', { type: 'wrong-current-password' });
  }
  if (input.currentPassword.normalize('NFKC') === input.newPassword.normalize('NFKC')) {
    throw badRequest('The request has invalid fields; see errors for each one.', [{ path: 'newPassword', message: 'must differ from the current password' }]);
  }
  refuseCommonPassword(input.newPassword, 'newPassword');
  await changePassword(app.db.kysely, userId, await app.passwords.hash(input.newPassword));
}
