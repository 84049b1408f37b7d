import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/databases.ts';
import { isProblem, loginAdmin, registerUser, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects())('resources (%s)', (dialect) => {
  let server: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    admin = (await loginAdmin(server)).accessToken;
  });
  afterAll(async () => server?.close());

  const createCourse = async (body: Record<string, unknown>) => {
    const res = await server.request('POST', '/api/courses', { token: admin, body: { priceCents: 1000, status: 'published', ...body } });
    expect(res.status).toBe(201);
    return res.body as { id: number; title: string };
  };

  describe('courses', () => {
    it('seeds at least 5 published courses and pages them with Link headers', async () => {
      const first = await server.request('GET', '/api/courses?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.total).toBeGreaterThanOrEqual(5);
      expect(first.body).toMatchObject({ page: 1, limit: 2 });
      expect(first.body.data).toHaveLength(2);
      expect(first.headers.get('link')).toBe('</api/courses?limit=2&page=2>; rel="next"');
      const second = await server.request('GET', '/api/courses?limit=2&page=2');
      expect(second.headers.get('link')).toContain('rel="prev"');
      expect(second.body.data[0].id).not.toBe(first.body.data[0].id);
    });

    it('limit over 100 and unknown sort are 400 with the field named', async () => {
      const res = await server.request('GET', '/api/courses?limit=101');
      expect(isProblem(res, 400)).toBe(true);
      expect(res.body.errors).toEqual([{ path: 'query.limit', message: 'must be <= 100' }]);
      const sort = await server.request('GET', '/api/courses?sort=password');
      expect(isProblem(sort, 400)).toBe(true);
    });

    it('searches with q (wildcards taken literally) and sorts by price', async () => {
      await createCourse({ title: 'Zebra 100% pure SQL', priceCents: 1 });
      const hit = await server.request('GET', '/api/courses?q=100%25%20pure');
      expect(hit.body.data.map((c: { title: string }) => c.title)).toEqual(['Zebra 100% pure SQL']);
      expect((await server.request('GET', '/api/courses?q=%25%25%25zz')).body.total).toBe(0);
      const cheap = await server.request('GET', '/api/courses?sort=price&limit=100');
      const prices = cheap.body.data.map((c: { priceCents: number }) => c.priceCents);
      expect(prices).toEqual([...prices].sort((a, b) => a - b));
    });

    it('admin creates, updates and deletes; drafts are hidden from the public', async () => {
      const draft = await createCourse({ title: 'Secret draft', status: 'draft' });
      expect((await server.request('GET', `/api/courses/${draft.id}`)).status).toBe(404);
      expect((await server.request('GET', `/api/courses/${draft.id}`, { token: admin })).status).toBe(200);
      const patched = await server.request('PATCH', `/api/courses/${draft.id}`, { token: admin, body: { status: 'published', title: 'Now public' } });
      expect(patched.body).toMatchObject({ title: 'Now public', status: 'published' });
      expect((await server.request('GET', `/api/courses/${draft.id}`)).body.title).toBe('Now public');
      expect((await server.request('DELETE', `/api/courses/${draft.id}`, { token: admin })).status).toBe(204);
      expect(isProblem(await server.request('DELETE', `/api/courses/${draft.id}`, { token: admin }), 404)).toBe(true);
    });

    it('plain users may not write courses; bad ids are 400', async () => {
      const user = await registerUser(server);
      expect(isProblem(await server.request('POST', '/api/courses', { token: user.accessToken, body: { title: 'x', priceCents: 1 } }), 403)).toBe(true);
      expect(isProblem(await server.request('POST', '/api/courses', { body: { title: 'x', priceCents: 1 } }), 401)).toBe(true);
      expect(isProblem(await server.request('GET', '/api/courses/abc'), 400)).toBe(true);
      expect(isProblem(await server.request('PATCH', '/api/courses/1', { token: admin, body: {} }), 400)).toBe(true);
    });
  });

  describe('orders', () => {
    it('buys a course once; a second order is 409; a draft or missing course is 422', async () => {
      const user = await registerUser(server);
      const course = await createCourse({ title: 'Orderable', priceCents: 2500 });
      const order = await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: course.id } });
      expect(order.status).toBe(201);
      expect(order.body).toMatchObject({ userId: user.user.id, courseId: course.id, priceCents: 2500 });
      expect(order.headers.get('location')).toBe(`/api/orders/${order.body.id}`);
      expect(isProblem(await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: course.id } }), 409)).toBe(true);
      const missing = await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: 999999 } });
      expect(isProblem(missing, 422)).toBe(true);
      expect(missing.body.errors[0].path).toBe('courseId');
      const draft = await createCourse({ title: 'Not for sale', status: 'draft' });
      expect((await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: draft.id } })).status).toBe(422);
      expect((await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: '1' } })).status).toBe(400);
    });

    it('lists only the caller\'s orders; another user\'s order is 404', async () => {
      const alice = await registerUser(server);
      const bob = await registerUser(server);
      const course = await createCourse({ title: 'Shared interest' });
      const order = await server.request('POST', '/api/orders', { token: alice.accessToken, body: { courseId: course.id } });
      const mine = await server.request('GET', '/api/orders', { token: alice.accessToken });
      expect(mine.body.data.map((o: { id: number }) => o.id)).toEqual([order.body.id]);
      expect((await server.request('GET', '/api/orders', { token: bob.accessToken })).body.total).toBe(0);
      expect((await server.request('GET', `/api/orders/${order.body.id}`, { token: alice.accessToken })).status).toBe(200);
      expect(isProblem(await server.request('GET', `/api/orders/${order.body.id}`, { token: bob.accessToken }), 404)).toBe(true);
    });

    it('a course with orders cannot be deleted (409)', async () => {
      const user = await registerUser(server);
      const course = await createCourse({ title: 'Popular' });
      await server.request('POST', '/api/orders', { token: user.accessToken, body: { courseId: course.id } });
      expect(isProblem(await server.request('DELETE', `/api/courses/${course.id}`, { token: admin }), 409)).toBe(true);
    });
  });

  describe('messages', () => {
    it('sends, lists inbox/sent, and hides a message from third parties', async () => {
      const alice = await registerUser(server);
      const bob = await registerUser(server);
      const eve = await registerUser(server);
      const sent = await server.request('POST', '/api/messages', { token: alice.accessToken, body: { toUserId: bob.user.id, body: 'Hi Bob' } });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({ fromUserId: alice.user.id, toUserId: bob.user.id, body: 'Hi Bob' });
      expect((await server.request('GET', '/api/messages?box=inbox', { token: bob.accessToken })).body.data[0].id).toBe(sent.body.id);
      expect((await server.request('GET', '/api/messages?box=sent', { token: alice.accessToken })).body.total).toBe(1);
      expect((await server.request('GET', '/api/messages?box=inbox', { token: alice.accessToken })).body.total).toBe(0);
      for (const token of [alice.accessToken, bob.accessToken]) {
        expect((await server.request('GET', `/api/messages/${sent.body.id}`, { token })).status).toBe(200);
      }
      expect(isProblem(await server.request('GET', `/api/messages/${sent.body.id}`, { token: eve.accessToken }), 404)).toBe(true);
      expect((await server.request('GET', '/api/messages', { token: eve.accessToken })).body.total).toBe(0);
    });

    it('422 for an unknown recipient, 400 for an empty body', async () => {
      const alice = await registerUser(server);
      expect(isProblem(await server.request('POST', '/api/messages', { token: alice.accessToken, body: { toUserId: 999999, body: 'hello?' } }), 422)).toBe(true);
      expect(isProblem(await server.request('POST', '/api/messages', { token: alice.accessToken, body: { toUserId: alice.user.id, body: '' } }), 400)).toBe(true);
    });
  });

  describe('settings', () => {
    it('starts empty, stores the caller\'s own object, and refuses over 16 KiB', async () => {
      const alice = await registerUser(server);
      const bob = await registerUser(server);
      expect((await server.request('GET', '/api/settings', { token: alice.accessToken })).body).toEqual({});
      const saved = await server.request('PUT', '/api/settings', { token: alice.accessToken, body: { theme: 'dark', editor: { fontSize: 14, tabs: [2, 4] } } });
      expect(saved.status).toBe(200);
      expect((await server.request('GET', '/api/settings', { token: alice.accessToken })).body).toEqual({ theme: 'dark', editor: { fontSize: 14, tabs: [2, 4] } });
      expect((await server.request('GET', '/api/settings', { token: bob.accessToken })).body).toEqual({});
      const big = await server.request('PUT', '/api/settings', { token: alice.accessToken, body: { blob: 'x'.repeat(17 * 1024) } });
      expect(isProblem(big, 413)).toBe(true);
      expect(isProblem(await server.request('PUT', '/api/settings', { token: alice.accessToken, body: [1, 2] }), 400)).toBe(true);
      expect((await server.request('GET', '/api/settings', { token: alice.accessToken })).body.theme).toBe('dark');
    });
  });

  describe('users and logs', () => {
    it('admin lists users with paging; a user sees only themself', async () => {
      const alice = await registerUser(server);
      const bob = await registerUser(server);
      const list = await server.request('GET', '/api/users?limit=1', { token: admin });
      expect(list.status).toBe(200);
      expect(list.body.total).toBeGreaterThanOrEqual(3);
      expect(list.body.data[0]).not.toHaveProperty('password_hash');
      expect((await server.request('GET', `/api/users/${alice.user.id}`, { token: alice.accessToken })).body.email).toBe(alice.email);
      expect((await server.request('GET', `/api/users/${alice.user.id}`, { token: admin })).status).toBe(200);
      expect(isProblem(await server.request('GET', `/api/users/${alice.user.id}`, { token: bob.accessToken }), 404)).toBe(true);
      expect(isProblem(await server.request('GET', '/api/users', { token: bob.accessToken }), 403)).toBe(true);
    });

    it('admin reads recent request logs, without query strings', async () => {
      await server.request('GET', '/api/courses?q=secret-token-in-query');
      const user = await registerUser(server);
      await server.request('GET', '/api/me', { token: user.accessToken });
      const logs = await server.request('GET', '/api/logs?limit=50', { token: admin });
      expect(logs.status).toBe(200);
      const entry = logs.body.data.find((l: { path: string }) => l.path === '/api/courses');
      expect(entry).toMatchObject({ method: 'GET', status: 200, route: '/api/courses', userId: null, ip: '127.0.0.1', requestId: expect.any(String), durationMs: expect.any(Number) });
      expect(Date.now() - Date.parse(entry.createdAt)).toBeLessThan(60_000);
      expect(logs.body.data.find((l: { path: string }) => l.path === '/api/me')).toMatchObject({ status: 200, route: '/api/me', userId: user.user.id });
      expect(JSON.stringify(logs.body)).not.toContain('secret-token-in-query');
      expect(isProblem(await server.request('GET', '/api/logs', { token: user.accessToken }), 403)).toBe(true);
    });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await server.request('GET', '/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/courses', '/api/orders/{id}']));
    const page = await server.request('GET', '/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });
});
