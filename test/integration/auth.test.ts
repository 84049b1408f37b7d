import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { GOOD_PASSWORD, isProblem, registerUser, startTestServer, type TestServer, uniqueEmail } from '../helpers/server.ts';

describe.each(testDialects())('auth (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
  });
  afterAll(async () => server?.close());

  describe('register', () => {
    it('creates a user with role "user" and returns tokens, never the hash', async () => {
      const email = uniqueEmail();
      const res = await server.request('POST', '/api/auth/register', { body: { email: email.toUpperCase(), password: GOOD_PASSWORD, name: 'Ada' } });
      expect(res.status).toBe(201);
      expect(res.body.user).toEqual({ id: expect.any(Number), email, name: 'Ada', role: 'user', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(res.body.accessToken.split('.')).toHaveLength(3);
      expect(res.body.refreshToken).toMatch(/^rt_/);
      expect(res.text).not.toMatch(/argon2|password/i);
    });

    it('409 on a taken email, whatever its case', async () => {
      const { email } = await registerUser(server);
      const res = await server.request('POST', '/api/auth/register', { body: { email: email.toUpperCase(), password: GOOD_PASSWORD, name: 'Twin' } });
      expect(isProblem(res, 409)).toBe(true);
    });

    it('400 lists each invalid field', async () => {
      const res = await server.request('POST', '/api/auth/register', { body: { email: 'not-an-email', password: 'short', name: '' } });
      expect(isProblem(res, 400)).toBe(true);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'email', message: 'must be a valid email address' },
          { path: 'password', message: 'must be at least 12 characters' },
          { path: 'name', message: 'must not be empty' },
        ]),
      );
    });

    it('refuses a common password and one over 128 characters, accepts 128 without truncation', async () => {
      const common = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: 'qwerty123456', name: 'A' } });
      expect(isProblem(common, 400)).toBe(true);
      expect(common.body.errors[0].path).toBe('password');
      const long = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: 'x'.repeat(60) + 'y'.repeat(69), name: 'A' } });
      expect(long.body.errors).toEqual([{ path: 'password', message: 'must be at most 128 characters' }]);

      const email = uniqueEmail();
      const password = 'z'.repeat(64) + 'w'.repeat(63) + '1';
      expect((await server.request('POST', '/api/auth/register', { body: { email, password, name: 'A' } })).status).toBe(201);
      const truncated = await server.request('POST', '/api/auth/login', { body: { email, password: password.slice(0, 72) } });
      expect(truncated.status).toBe(401);
      expect((await server.request('POST', '/api/auth/login', { body: { email, password } })).status).toBe(200);
    });

    it('refuses a role in the body (mass assignment)', async () => {
      const res = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'Eve', role: 'admin' } });
      expect(isProblem(res, 400)).toBe(true);
      expect(res.body.errors).toEqual([{ path: 'role', message: 'is not an allowed field' }]);
    });
  });

  describe('login', () => {
    it('returns a Bearer pair for the right password', async () => {
      const user = await registerUser(server);
      const res = await server.request('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: user.user.id } });
    });

    it('wrong password and unknown email give the same 401', async () => {
      const user = await registerUser(server);
      const wrong = await server.request('POST', '/api/auth/login', { body: { email: user.email, password: 'not the right password' } });
      const unknown = await server.request('POST', '/api/auth/login', { body: { email: uniqueEmail(), password: 'not the right password' } });
      expect(isProblem(wrong, 401)).toBe(true);
      expect({ ...unknown.body, instance: undefined }).toEqual({ ...wrong.body, instance: undefined });
    });
  });

  describe('tokens', () => {
    it('/api/me answers with the caller, and 401 with WWW-Authenticate without a token', async () => {
      const user = await registerUser(server);
      const me = await server.request('GET', '/api/me', { token: user.accessToken });
      expect(me.body).toEqual(user.user);
      const anonymous = await server.request('GET', '/api/me');
      expect(isProblem(anonymous, 401)).toBe(true);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="backend-lab"');
    });

    it('refresh rotates: the old token is spent, its reuse revokes the whole family', async () => {
      const user = await registerUser(server);
      const first = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);
      expect((await server.request('GET', '/api/me', { token: first.body.accessToken })).status).toBe(200);

      const reuse = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } });
      expect(isProblem(reuse, 401)).toBe(true);
      expect(reuse.body.detail).toMatch(/already used/);
      const successor = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: first.body.refreshToken } });
      expect(isProblem(successor, 401)).toBe(true);
    });

    it('two concurrent refreshes of one token: one wins, the other is a reuse (401), never a 5xx', async () => {
      for (let round = 0; round < 5; round++) {
        const user = await registerUser(server);
        const results = await Promise.all([1, 2].map(() => server.request('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })));
        expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join('\n')).toEqual([200, 401]);
      }
    });

    it('logout ends the session of that refresh token', async () => {
      const user = await registerUser(server);
      const res = await server.request('POST', '/api/auth/logout', { token: user.accessToken, body: { refreshToken: user.refreshToken } });
      expect(res.status).toBe(204);
      expect((await server.request('POST', '/api/auth/refresh', { body: { refreshToken: user.refreshToken } })).status).toBe(401);
    });

    it('logout cannot end someone else\'s session', async () => {
      const alice = await registerUser(server);
      const mallory = await registerUser(server);
      expect((await server.request('POST', '/api/auth/logout', { token: mallory.accessToken, body: { refreshToken: alice.refreshToken } })).status).toBe(204);
      expect((await server.request('POST', '/api/auth/refresh', { body: { refreshToken: alice.refreshToken } })).status).toBe(200);
    });

    it('password change invalidates earlier access and refresh tokens', async () => {
      const user = await registerUser(server);
      const other = await server.request('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
      const wrong = await server.request('POST', '/api/auth/password', { token: user.accessToken, body: { currentPassword: 'not my password!', newPassword: 'a brand new passphrase 77' } });
      expect(isProblem(wrong, 403)).toBe(true);

      const change = await server.request('POST', '/api/auth/password', { token: user.accessToken, body: { currentPassword: user.password, newPassword: 'a brand new passphrase 77' } });
      expect(change.status).toBe(204);
      for (const token of [user.accessToken, other.body.accessToken]) {
        expect((await server.request('GET', '/api/me', { token })).status).toBe(401);
      }
      for (const refreshToken of [user.refreshToken, other.body.refreshToken]) {
        expect((await server.request('POST', '/api/auth/refresh', { body: { refreshToken } })).status).toBe(401);
      }
      expect((await server.request('POST', '/api/auth/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
      const fresh = await server.request('POST', '/api/auth/login', { body: { email: user.email, password: 'a brand new passphrase 77' } });
      expect(fresh.status).toBe(200);
      expect((await server.request('GET', '/api/me', { token: fresh.body.accessToken })).status).toBe(200);
    });

    it('a new password is held to the same rules: not the current one, not a common one, 12 characters at least', async () => {
      const user = await registerUser(server);
      for (const newPassword of [user.password, 'password1234', 'short']) {
        const res = await server.request('POST', '/api/auth/password', { token: user.accessToken, body: { currentPassword: user.password, newPassword } });
        expect(isProblem(res, 400), `${newPassword}: ${res.text}`).toBe(true);
      }
      expect((await server.request('GET', '/api/me', { token: user.accessToken })).status).toBe(200);
    });

    it("the role is read from the database on each request, not from the token", async () => {
      const user = await registerUser(server);
      expect((await server.request('GET', '/api/users', { token: user.accessToken })).status).toBe(403);
      await server.app.db.kysely.updateTable('users').set({ role: 'admin' }).where('id', '=', user.user.id).execute();
      expect((await server.request('GET', '/api/users', { token: user.accessToken })).status).toBe(200);
      await server.app.db.kysely.updateTable('users').set({ role: 'user' }).where('id', '=', user.user.id).execute();
      expect((await server.request('GET', '/api/users', { token: user.accessToken })).status).toBe(403);
    });

    it('an unknown refresh token is 401', async () => {
      const res = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: 'rt_nothing' } });
      expect(isProblem(res, 401)).toBe(true);
    });
  });
});

describe('auth rate limit', () => {
  it('every auth route draws on one per-client budget; other routes keep serving', async () => {
    const server = await startTestServer('sqlite', { AUTH_RATE_LIMIT: '3' });
    try {
      const statuses = [
        (await server.request('POST', '/api/auth/login', { body: { email: 'a@b.test', password: 'x' } })).status,
        (await server.request('POST', '/api/auth/refresh', { body: { refreshToken: 'rt_x' } })).status,
        (await server.request('POST', '/api/auth/register', { body: {} })).status,
      ];
      expect(statuses).toEqual([401, 401, 400]);
      const limited = await server.request('POST', '/api/auth/login', { body: { email: 'a@b.test', password: 'x' } });
      expect(isProblem(limited, 429)).toBe(true);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(limited.headers.get('ratelimit-remaining')).toBe('0');
      expect((await server.request('GET', '/api/courses')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
