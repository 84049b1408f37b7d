/**
 * The OWASP API Security Top 10 (2023) items that apply to this API, each as named tests, over
 * real HTTP on every dialect.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { ADMIN_EMAIL, GOOD_PASSWORD, isProblem, loginAdmin, registerUser, startTestServer, type TestResponse, type TestServer, uniqueEmail } from '../helpers/server.ts';

const JWT_SECRET = 'owasp-test-secret-that-is-long-enough-0123456789';
const ISSUER = 'backend-lab';

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT signed by hand, so tests can make exactly the token they need. */
function craftToken(payload: Record<string, unknown>, { alg = 'HS256', secret = JWT_SECRET }: { alg?: string; secret?: string } = {}) {
  const head = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}`;
  const hashes: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };
  const signature = hashes[alg] ? createHmac(hashes[alg], secret).update(head).digest('base64url') : '';
  return `${head}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);

function expectBearer401(res: TestResponse, label: string) {
  expect(isProblem(res, 401), `${label}: ${res.status} ${res.text}`).toBe(true);
  expect(res.headers.get('www-authenticate') ?? '', label).toMatch(/^Bearer/);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe.each(testDialects())('OWASP API Security Top 10 (%s)', (dialect) => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof loginAdmin>>;
  let publishedCourseId: number;
  let draftCourseId: number;

  beforeAll(async () => {
    server = await startTestServer(dialect, { JWT_SECRET });
    admin = await loginAdmin(server);
    const published = await server.request('POST', '/api/courses', { token: admin.accessToken, body: { title: 'Security 101', priceCents: 1000, status: 'published' } });
    const draft = await server.request('POST', '/api/courses', { token: admin.accessToken, body: { title: 'Secret draft', priceCents: 500, status: 'draft' } });
    expect(published.status).toBe(201);
    expect(draft.status).toBe(201);
    publishedCourseId = published.body.id;
    draftCourseId = draft.body.id;
  });
  afterAll(async () => server?.close());

  describe('API1 broken object-level authorization', () => {
    it("user B cannot read user A's order, message or user record (404, like a missing one)", async () => {
      const [a, b, c] = await Promise.all([registerUser(server, 'Alice'), registerUser(server, 'Bob'), registerUser(server, 'Carol')]);
      const order = await server.request('POST', '/api/orders', { token: a.accessToken, body: { courseId: publishedCourseId } });
      expect(order.status).toBe(201);
      const message = await server.request('POST', '/api/messages', { token: a.accessToken, body: { toUserId: c.user.id, body: 'for Carol only' } });
      expect(message.status).toBe(201);

      // The owner and the recipient can see them.
      expect((await server.request('GET', `/api/orders/${order.body.id}`, { token: a.accessToken })).status).toBe(200);
      expect((await server.request('GET', `/api/messages/${message.body.id}`, { token: c.accessToken })).status).toBe(200);

      const orderB = await server.request('GET', `/api/orders/${order.body.id}`, { token: b.accessToken });
      const messageB = await server.request('GET', `/api/messages/${message.body.id}`, { token: b.accessToken });
      const userB = await server.request('GET', `/api/users/${a.user.id}`, { token: b.accessToken });
      expect(isProblem(orderB, 404), orderB.text).toBe(true);
      expect(isProblem(messageB, 404), messageB.text).toBe(true);
      expect(isProblem(userB, 404), userB.text).toBe(true);
      expect(orderB.text).not.toContain('for Carol only');
      expect(messageB.text).not.toContain('for Carol only');
      expect(userB.text).not.toContain(a.email);

      // Someone else's id and a missing id answer the same, so ids cannot be probed.
      const missingOrder = await server.request('GET', '/api/orders/2147483647', { token: b.accessToken });
      const missingUser = await server.request('GET', '/api/users/2147483647', { token: b.accessToken });
      expect([missingOrder.body.title, missingOrder.body.detail]).toEqual([orderB.body.title, orderB.body.detail]);
      expect([missingUser.body.title, missingUser.body.detail]).toEqual([userB.body.title, userB.body.detail]);
    });

    it("user B's lists never contain user A's order or message", async () => {
      const [a, b] = await Promise.all([registerUser(server, 'Alice'), registerUser(server, 'Bob')]);
      const order = await server.request('POST', '/api/orders', { token: a.accessToken, body: { courseId: publishedCourseId } });
      const message = await server.request('POST', '/api/messages', { token: a.accessToken, body: { toUserId: admin.user.id, body: 'private note' } });
      expect(order.status).toBe(201);
      expect(message.status).toBe(201);
      for (const box of ['all', 'inbox', 'sent']) {
        const list = await server.request('GET', `/api/messages?box=${box}&limit=100`, { token: b.accessToken });
        expect(list.status).toBe(200);
        expect(list.body.data.map((m: { id: number }) => m.id)).not.toContain(message.body.id);
      }
      const orders = await server.request('GET', '/api/orders?limit=100', { token: b.accessToken });
      expect(orders.status).toBe(200);
      expect(orders.body.data.map((o: { id: number }) => o.id)).not.toContain(order.body.id);
    });

    it("user B cannot log out user A's session with A's refresh token", async () => {
      const [a, b] = await Promise.all([registerUser(server), registerUser(server)]);
      const logout = await server.request('POST', '/api/auth/logout', { token: b.accessToken, body: { refreshToken: a.refreshToken } });
      expect(logout.status).toBeLessThan(500);
      const refresh = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: a.refreshToken } });
      expect(refresh.status).toBe(200);
    });

    it('a plain user cannot see a draft course (404)', async () => {
      const user = await registerUser(server);
      expect(isProblem(await server.request('GET', `/api/courses/${draftCourseId}`, { token: user.accessToken }), 404)).toBe(true);
      expect(isProblem(await server.request('GET', `/api/courses/${draftCourseId}`), 404)).toBe(true);
      const list = await server.request('GET', '/api/courses?limit=100', { token: user.accessToken });
      expect(list.body.data.map((c: { id: number }) => c.id)).not.toContain(draftCourseId);
    });
  });

  describe('API2 broken authentication', () => {
    let user: Awaited<ReturnType<typeof registerUser>>;
    beforeAll(async () => {
      user = await registerUser(server);
    });

    const validClaims = () => ({ sub: String(user.user.id), tv: 0, iat: now(), exp: now() + 600, iss: ISSUER });

    it('a correctly crafted token works (so the refusals below are meaningful)', async () => {
      const res = await server.request('GET', '/api/me', { token: craftToken(validClaims()) });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.user.id);
    });

    it('an alg "none" token is 401', async () => {
      const token = craftToken({ ...validClaims(), sub: String(admin.user.id) }, { alg: 'none' });
      expectBearer401(await server.request('GET', '/api/me', { token }), 'alg none');
      expectBearer401(await server.request('GET', '/api/users', { token }), 'alg none on admin route');
    });

    it('a token with another HMAC algorithm (HS512) is 401', async () => {
      expectBearer401(await server.request('GET', '/api/me', { token: craftToken(validClaims(), { alg: 'HS512' }) }), 'HS512');
    });

    it('a tampered signature is 401', async () => {
      const [h, p, s] = user.accessToken.split('.') as [string, string, string];
      // Change the first signature character: it carries six whole bits, so the bytes really change.
      const tampered = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
      expectBearer401(await server.request('GET', '/api/me', { token: tampered }), 'tampered signature');
    });

    it('an edited payload (sub changed to the admin) with the original signature is 401', async () => {
      const [h, p, s] = user.accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const edited = `${h}.${b64url({ ...claims, sub: String(admin.user.id) })}.${s}`;
      expectBearer401(await server.request('GET', '/api/me', { token: edited }), 'edited payload');
      expectBearer401(await server.request('GET', '/api/users', { token: edited }), 'edited payload on admin route');
    });

    it('a token signed with another secret is 401', async () => {
      expectBearer401(await server.request('GET', '/api/me', { token: craftToken(validClaims(), { secret: 'x'.repeat(48) }) }), 'other secret');
    });

    it('an expired token is 401', async () => {
      const token = craftToken({ ...validClaims(), iat: now() - 3600, exp: now() - 60 });
      const res = await server.request('GET', '/api/me', { token });
      expectBearer401(res, 'expired');
      expect(res.body.detail).toMatch(/expired/i);
    });

    it('an expired token signed by the server itself (expiresIn 1 s) is 401 after it expires', async () => {
      const token = server.app.jwt.sign({ sub: String(user.user.id), tv: 0 }, { expiresIn: 1 });
      expect((await server.request('GET', '/api/me', { token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2100));
      expectBearer401(await server.request('GET', '/api/me', { token }), 'expired after 1 s');
    });

    const claimCases: [string, () => Record<string, unknown>][] = [
      ['without exp', () => { const { exp: _e, ...c } = validClaims(); return c; }],
      ['with another issuer', () => ({ ...validClaims(), iss: 'someone-else' })],
      ['with a stale token version', () => ({ ...validClaims(), tv: 99 })],
      ['naming an unknown user', () => ({ ...validClaims(), sub: '2147483000' })],
      ['with a non-numeric sub', () => ({ ...validClaims(), sub: 'admin' })],
      ['not valid yet (nbf in the future)', () => ({ ...validClaims(), nbf: now() + 3600 })],
    ];
    it.each(claimCases)('a token %s is 401', async (label, claims) => {
      expectBearer401(await server.request('GET', '/api/me', { token: craftToken(claims()) }), label);
    });

    // The server pins the issuer with allowedIss, but fast-jwt only checks claims that are present
    // and "iss" is not in requiredClaims, so a token with no "iss" at all is accepted.
    it('a token without an "iss" claim is 401', async () => {
      const { iss: _iss, ...claims } = validClaims();
      expectBearer401(await server.request('GET', '/api/me', { token: craftToken(claims) }), 'no iss');
    });

    it('garbage tokens and wrong schemes are 401', async () => {
      const headers = [
        'Bearer garbage',
        'Bearer a.b.c',
        'Bearer ',
        'Bearer',
        `Bearer ${user.accessToken} extra`,
        `Basic ${Buffer.from(`${user.email}:${user.password}`).toString('base64')}`,
        `Token ${user.accessToken}`,
        user.accessToken,
        `Bearer ${'x'.repeat(5000)}`,
      ];
      for (const authorization of headers) {
        expectBearer401(await server.request('GET', '/api/me', { headers: { authorization } }), authorization.slice(0, 30));
      }
    });

    it('no token at all is 401 with a Bearer challenge', async () => {
      expectBearer401(await server.request('GET', '/api/me'), 'no token');
    });

    it('wrong password and unknown email answer identically and take similar time', async () => {
      const wrongPassword = () => server.request('POST', '/api/auth/login', { body: { email: user.email, password: 'not the right password at all' } });
      const unknownEmail = () => server.request('POST', '/api/auth/login', { body: { email: uniqueEmail('nobody'), password: 'not the right password at all' } });
      const a = await wrongPassword();
      const b = await unknownEmail();
      expect(isProblem(a, 401)).toBe(true);
      expect(isProblem(b, 401)).toBe(true);
      expect({ type: a.body.type, title: a.body.title, detail: a.body.detail }).toEqual({ type: b.body.type, title: b.body.title, detail: b.body.detail });

      const timeOf = async (call: () => Promise<TestResponse>) => {
        const start = performance.now();
        await call();
        return performance.now() - start;
      };
      const wrong: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        wrong.push(await timeOf(wrongPassword));
        unknown.push(await timeOf(unknownEmail));
      }
      const [mw, mu] = [median(wrong), median(unknown)];
      expect(mw, 'argon2 makes a wrong password slow').toBeGreaterThan(1);
      expect(mu, 'an unknown email still hashes').toBeGreaterThan(1);
      expect(Math.max(mw, mu) / Math.min(mw, mu), `medians ${mw.toFixed(1)} ms vs ${mu.toFixed(1)} ms`).toBeLessThan(3);
    });

    it('after a password change the old access token and old refresh token are 401', async () => {
      const u = await registerUser(server);
      const newPassword = 'a completely different passphrase 7';
      const wrongCurrent = await server.request('POST', '/api/auth/password', { token: u.accessToken, body: { currentPassword: 'wrong wrong wrong', newPassword } });
      expect(isProblem(wrongCurrent, 403)).toBe(true);

      const change = await server.request('POST', '/api/auth/password', { token: u.accessToken, body: { currentPassword: u.password, newPassword } });
      expect(change.status).toBe(204);
      expectBearer401(await server.request('GET', '/api/me', { token: u.accessToken }), 'old access token');
      const refresh = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } });
      expect(isProblem(refresh, 401), refresh.text).toBe(true);

      expect(isProblem(await server.request('POST', '/api/auth/login', { body: { email: u.email, password: u.password } }), 401)).toBe(true);
      const relogin = await server.request('POST', '/api/auth/login', { body: { email: u.email, password: newPassword } });
      expect(relogin.status).toBe(200);
      expect((await server.request('GET', '/api/me', { token: relogin.body.accessToken })).status).toBe(200);
    });

    it('refresh token reuse revokes the whole family', async () => {
      const u = await registerUser(server);
      const first = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } });
      expect(first.status).toBe(200);
      const second = first.body.refreshToken as string;
      expect(second).not.toBe(u.refreshToken);

      const reuse = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } });
      expect(isProblem(reuse, 401), reuse.text).toBe(true);
      const afterReuse = await server.request('POST', '/api/auth/refresh', { body: { refreshToken: second } });
      expect(isProblem(afterReuse, 401), afterReuse.text).toBe(true);
    });

    it('after logout the refresh token is 401', async () => {
      const u = await registerUser(server);
      expect((await server.request('POST', '/api/auth/logout', { token: u.accessToken, body: { refreshToken: u.refreshToken } })).status).toBe(204);
      expect(isProblem(await server.request('POST', '/api/auth/refresh', { body: { refreshToken: u.refreshToken } }), 401)).toBe(true);
    });
  });

  describe('API3 broken object property-level authorization (mass assignment, data exposure)', () => {
    it('register with role "admin" is refused, or the role stays "user"', async () => {
      const email = uniqueEmail('mass');
      const res = await server.request('POST', '/api/auth/register', { body: { email, password: GOOD_PASSWORD, name: 'Mallory', role: 'admin' } });
      if (res.status === 201) {
        expect(res.body.user.role).toBe('user');
        expect((await server.request('GET', '/api/me', { token: res.body.accessToken })).body.role).toBe('user');
      } else {
        expect(isProblem(res, 400), res.text).toBe(true);
        expect(res.body.errors).toContainEqual({ path: 'role', message: 'is not an allowed field' });
      }
    });

    it('other privileged fields are refused on register, orders and messages', async () => {
      const user = await registerUser(server);
      const cases: [string, string, Record<string, unknown>, string | undefined][] = [
        ['POST', '/api/auth/register', { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'M', id: 1 }, undefined],
        ['POST', '/api/auth/register', { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'M', token_version: 5 }, undefined],
        ['POST', '/api/orders', { courseId: publishedCourseId, priceCents: 0 }, user.accessToken],
        ['POST', '/api/orders', { courseId: publishedCourseId, userId: admin.user.id }, user.accessToken],
        ['POST', '/api/messages', { toUserId: user.user.id, body: 'spoof', fromUserId: admin.user.id }, user.accessToken],
      ];
      for (const [method, path, body, token] of cases) {
        const res = await server.request(method, path, { body, token });
        expect(isProblem(res, 400), `${path} ${JSON.stringify(body)}: ${res.text}`).toBe(true);
      }
    });

    it('PATCH course with an unknown field is 400 and changes nothing', async () => {
      for (const body of [{ id: 1 }, { createdAt: '2000-01-01T00:00:00.000Z' }, { title: 'New', owner: 'me' }]) {
        const res = await server.request('PATCH', `/api/courses/${publishedCourseId}`, { token: admin.accessToken, body });
        expect(isProblem(res, 400), res.text).toBe(true);
      }
      const course = await server.request('GET', `/api/courses/${publishedCourseId}`);
      expect(course.body.title).toBe('Security 101');
    });

    it('no response exposes password hashes or token versions', async () => {
      const user = await registerUser(server);
      const responses = [
        await server.request('GET', '/api/me', { token: user.accessToken }),
        await server.request('GET', `/api/users/${user.user.id}`, { token: user.accessToken }),
        await server.request('GET', '/api/users?limit=100', { token: admin.accessToken }),
        await server.request('POST', '/api/auth/login', { body: { email: user.email, password: user.password } }),
      ];
      for (const res of responses) {
        expect(res.status).toBe(200);
        expect(res.text).not.toMatch(/password|argon2|token_version|\$argon/i);
      }
    });
  });

  describe('API4 unrestricted resource consumption', () => {
    it('page sizes and pages out of range are 400', async () => {
      for (const query of ['limit=1000', 'limit=0', 'limit=-1', 'page=0', 'page=9999999', `q=${'x'.repeat(101)}`, 'limit=abc']) {
        const res = await server.request('GET', `/api/courses?${query}`);
        expect(isProblem(res, 400), `${query}: ${res.text}`).toBe(true);
      }
      expect(isProblem(await server.request('GET', '/api/users?limit=1000', { token: admin.accessToken }), 400)).toBe(true);
    });

    it('a body over 1 MiB is a 413 problem', async () => {
      const res = await server.request('POST', '/api/auth/register', { rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024 + 1), name: 'n' }), headers: { 'content-type': 'application/json' } });
      expect(isProblem(res, 413), res.text).toBe(true);
    });

    it('a password longer than 128 characters is refused before hashing (400)', async () => {
      const res = await server.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: 'p'.repeat(129) + 'q', name: 'Long' } });
      expect(isProblem(res, 400), res.text).toBe(true);
    });

    it('auth rate limit: the 4th login in a minute is 429 with Retry-After and RateLimit headers; other routes still answer', async () => {
      const limited = await startTestServer(dialect, { JWT_SECRET, AUTH_RATE_LIMIT: '3' }, server.database);
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await limited.request('POST', '/api/auth/login', { body: { email: uniqueEmail('rl'), password: 'whatever whatever' } });
          statuses.push(res.status);
          expect(res.headers.get('ratelimit-limit')).toBe('3');
        }
        expect(statuses).toEqual([401, 401, 401]);
        const fourth = await limited.request('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: 'correct horse battery staple' } });
        expect(isProblem(fourth, 429), fourth.text).toBe(true);
        expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(fourth.headers.get('ratelimit-limit')).toBe('3');
        expect(fourth.headers.get('ratelimit-remaining')).toBe('0');
        // The auth group's budget is shared: register is limited too.
        expect(isProblem(await limited.request('POST', '/api/auth/register', { body: { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'x' } }), 429)).toBe(true);
        // Other routes have their own budget.
        expect((await limited.request('GET', '/api/courses')).status).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('requests refused by authentication count against the rate limit too (the limit is checked first)', async () => {
      const limited = await startTestServer(dialect, { JWT_SECRET, RATE_LIMIT: '3' }, server.database);
      try {
        for (const path of ['/api/me', '/api/orders', '/api/courses']) {
          const res = await limited.request('GET', path);
          expect(res.headers.get('ratelimit-limit'), path).toBe('3');
        }
        const fourth = await limited.request('GET', '/api/messages', { token: 'not-a-token' });
        expect(isProblem(fourth, 429), fourth.text).toBe(true);
      } finally {
        await limited.close();
      }
    });

    it('failed logins per account: after 3 wrong passwords even the right one is 429 for that email; another account still logs in', async () => {
      const victim = await registerUser(server);
      const other = await registerUser(server);
      const guarded = await startTestServer(dialect, { JWT_SECRET, LOGIN_FAILURES_PER_ACCOUNT: '3' }, server.database);
      try {
        for (let i = 0; i < 3; i++) {
          const res = await guarded.request('POST', '/api/auth/login', { body: { email: victim.email, password: `wrong password number ${i}` } });
          expect(isProblem(res, 401), res.text).toBe(true);
        }
        const right = await guarded.request('POST', '/api/auth/login', { body: { email: victim.email, password: victim.password } });
        expect(isProblem(right, 429), right.text).toBe(true);
        expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
        // Case and spaces do not open a way around the counter.
        const variant = await guarded.request('POST', '/api/auth/login', { body: { email: ` ${victim.email.toUpperCase()} `, password: victim.password } });
        expect(isProblem(variant, 429), variant.text).toBe(true);

        const otherLogin = await guarded.request('POST', '/api/auth/login', { body: { email: other.email, password: other.password } });
        expect(otherLogin.status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });

  describe('API5 broken function-level authorization', () => {
    it('a plain user gets 403 on admin functions', async () => {
      const user = await registerUser(server);
      const calls: [string, string, unknown?][] = [
        ['GET', '/api/users'],
        ['GET', '/api/logs'],
        ['POST', '/api/courses', { title: 'Mine now', priceCents: 0, status: 'published' }],
        ['PATCH', `/api/courses/${publishedCourseId}`, { priceCents: 0 }],
        ['DELETE', `/api/courses/${draftCourseId}`],
      ];
      for (const [method, path, body] of calls) {
        const res = await server.request(method, path, { token: user.accessToken, body });
        expect(isProblem(res, 403), `${method} ${path}: ${res.text}`).toBe(true);
      }
      // Nothing changed.
      expect((await server.request('GET', `/api/courses/${publishedCourseId}`)).body.priceCents).toBe(1000);
      expect((await server.request('GET', `/api/courses/${draftCourseId}`, { token: admin.accessToken })).status).toBe(200);
    });

    it('no token gives 401 on protected functions', async () => {
      const calls: [string, string, unknown?][] = [
        ['GET', '/api/me'],
        ['GET', '/api/users'],
        ['GET', '/api/users/1'],
        ['GET', '/api/logs'],
        ['POST', '/api/courses', { title: 'x', priceCents: 0 }],
        ['PATCH', `/api/courses/${publishedCourseId}`, { priceCents: 0 }],
        ['DELETE', `/api/courses/${draftCourseId}`],
        ['GET', '/api/orders'],
        ['POST', '/api/orders', { courseId: publishedCourseId }],
        ['GET', '/api/messages'],
        ['POST', '/api/messages', { toUserId: 1, body: 'x' }],
        ['GET', '/api/settings'],
        ['PUT', '/api/settings', {}],
        ['POST', '/api/auth/logout', { refreshToken: 'rt_x' }],
        ['POST', '/api/auth/password', { currentPassword: 'x', newPassword: GOOD_PASSWORD }],
      ];
      for (const [method, path, body] of calls) expectBearer401(await server.request(method, path, { body }), `${method} ${path}`);
    });

    it('the admin can use admin functions (so the 403s are about the role)', async () => {
      expect((await server.request('GET', '/api/users', { token: admin.accessToken })).status).toBe(200);
      expect((await server.request('GET', '/api/logs', { token: admin.accessToken })).status).toBe(200);
    });
  });

  describe('API8 security misconfiguration', () => {
    it('security headers on success, client-error and auth-error responses', async () => {
      const user = await registerUser(server);
      const responses = [
        await server.request('GET', '/api/courses'),
        await server.request('GET', '/api/me', { token: user.accessToken }),
        await server.request('GET', '/api/nope'),
        await server.request('GET', '/api/me'),
        await server.request('GET', '/api/courses?limit=1000'),
        await server.request('POST', '/api/auth/login', { rawBody: '{', headers: { 'content-type': 'application/json' } }),
      ];
      for (const res of responses) {
        const label = `${res.status}`;
        expect(res.headers.get('x-content-type-options'), label).toBe('nosniff');
        expect(res.headers.get('content-security-policy'), label).toContain("default-src 'self'");
        expect(res.headers.get('content-security-policy'), label).toContain("frame-ancestors 'none'");
        expect(res.headers.get('strict-transport-security'), label).toMatch(/max-age=\d{7,}/);
        expect(res.headers.get('x-powered-by'), label).toBeNull();
        expect(res.headers.get('x-request-id'), label).toBeTruthy();
        expect(res.headers.get('cache-control'), label).toContain('no-store');
      }
    });

    it('X-Request-Id: a safe one is echoed, a hostile one is replaced', async () => {
      const echoed = await server.request('GET', '/api/courses', { headers: { 'x-request-id': 'trace-123.abc' } });
      expect(echoed.headers.get('x-request-id')).toBe('trace-123.abc');
      const hostile = await server.request('GET', '/api/courses', { headers: { 'x-request-id': `<script>${'x'.repeat(100)}` } });
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('no CORS grant to an arbitrary origin', async () => {
      const res = await server.request('GET', '/api/courses', { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const preflight = await server.request('OPTIONS', '/api/courses', { headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' } });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('no error body reveals a stack trace, file path or SQL', async () => {
      const user = await registerUser(server);
      // SQL metacharacters in a search are just text: 200, nothing leaked.
      const injection = await server.request('GET', `/api/courses?q=${encodeURIComponent("' OR 1=1 --")}`);
      expect(injection.status).toBe(200);
      expect(injection.body.total).toBe(0);
      const responses = [
        await server.request('GET', '/api/nope'),
        await server.request('GET', '/api/courses/abc'),
        await server.request('GET', '/api/courses/99999999999'),
        await server.request('GET', '/api/courses?sort=password'),
        await server.request('POST', '/api/auth/login', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } }),
        await server.request('POST', '/api/auth/login', { rawBody: '{"__proto__":{}}', headers: { 'content-type': 'application/json' } }),
        await server.request('POST', '/api/auth/login', { rawBody: 'x'.repeat(1024 * 1024 + 1), headers: { 'content-type': 'application/json' } }),
        await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: 2147483647 } }),
        await server.request('POST', '/api/messages', { token: user.accessToken, body: { toUserId: 2147483647, body: 'x' } }),
        await server.request('POST', '/api/auth/register', { body: { email: user.email, password: GOOD_PASSWORD, name: 'dup' } }),
        await server.request('GET', '/api/me', { token: 'a.b.c' }),
      ];
      for (const res of responses) {
        expect(res.status, res.text).toBeGreaterThanOrEqual(400);
        expect(res.status, res.text).toBeLessThan(500);
        expect(isProblem(res, res.status), res.text).toBe(true);
        expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+|node_modules|\/src\/|stack|SQLITE_|syntax error at|select .* from/i);
      }
    });
  });
});
