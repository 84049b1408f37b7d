import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/server/db/connection.ts';
import type { Trace } from '../../src/server/trace/types.ts';
import { loginAdmin, registerUser, startTestServer, type TestResponse, type TestServer } from '../helpers/server.ts';

/**
 * "Indexes for every query the API makes", checked: every route is called, every statement its
 * trace shows is explained by SQLite, and a plan that scans a table to filter it or sorts in a
 * temporary b-tree fails — unless it is one of the few that cannot be helped, each with its reason.
 * (SQLite only: PostgreSQL's planner rightly scans tables this small whatever their indexes.)
 */
const UNAVOIDABLE: [RegExp, string][] = [
  [/lower\(title\) like/, 'a search for text anywhere in a title or description reads every course'],
  [/"from_user_id" = \? or "to_user_id" = \?/, 'inbox and sent together: two index searches, merged and sorted'],
  [/from "courses"$/, 'the admin list counts every course, drafts included'],
  [/from "users"$/, 'the admin list counts every user'],
  [/from "request_logs"$/, 'the admin list counts the kept request logs'],
];

describe('indexes (sqlite)', () => {
  let server: TestServer;
  const statements = new Set<string>();
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  async function call(method: string, url: string, options: Parameters<TestServer['request']>[2] = {}): Promise<TestResponse> {
    const res = await server.request(method, url, options);
    const id = res.headers.get('x-trace-id');
    for (let i = 0; id && i < 20; i++) {
      const trace = await server.request('GET', `/api/traces/${id}`);
      if (trace.status === 200) {
        for (const step of (trace.body as Trace).steps) if (step.kind === 'sql') statements.add(String(step.detail.sql));
        break;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return res;
  }

  it('every statement of every route reads through an index', async () => {
    const admin = (await loginAdmin(server)).accessToken;
    const ada = await registerUser(server, 'Ada');
    const bob = await registerUser(server, 'Bob');
    const login = await call('POST', '/api/auth/login', { body: { email: ada.email, password: ada.password } });
    const refreshed = await call('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    await call('POST', '/api/auth/refresh', { body: { refreshToken: login.body.refreshToken } }); // reuse: the family is revoked
    await call('POST', '/api/auth/logout', { token: refreshed.body.accessToken, body: { refreshToken: refreshed.body.refreshToken } });
    await call('POST', '/api/auth/register', { body: { email: `idx-${Date.now()}@example.test`, password: 'a long and unusual passphrase 42', name: 'Cy' } });
    await call('GET', '/api/me', { token: ada.accessToken });
    await call('GET', '/api/users?page=2&limit=5', { token: admin });
    await call('GET', `/api/users/${bob.user.id}`, { token: admin });

    const course = await call('POST', '/api/courses', { token: admin, body: { title: 'Indexes', priceCents: 100, status: 'published' } });
    await call('PATCH', `/api/courses/${course.body.id}`, { token: admin, body: { title: 'Indexes, again' } });
    for (const query of ['', '?sort=title', '?sort=-price', '?q=index', '?page=2&limit=2']) await call('GET', `/api/courses${query}`);
    await call('GET', '/api/courses?sort=-createdAt', { token: admin });
    await call('GET', `/api/courses/${course.body.id}`);
    const draft = await call('POST', '/api/courses', { token: admin, body: { title: 'Gone soon', priceCents: 1 } });
    await call('DELETE', `/api/courses/${draft.body.id}`, { token: admin });

    const order = await call('POST', '/api/orders', { token: ada.accessToken, body: { courseId: course.body.id } });
    await call('GET', '/api/orders', { token: ada.accessToken });
    await call('GET', `/api/orders/${order.body.id}`, { token: ada.accessToken });
    await call('DELETE', `/api/courses/${course.body.id}`, { token: admin }); // ordered: refused

    const message = await call('POST', '/api/messages', { token: ada.accessToken, body: { toUserId: bob.user.id, body: 'hello' } });
    for (const box of ['', '?box=inbox', '?box=sent']) await call('GET', `/api/messages${box}`, { token: bob.accessToken });
    await call('GET', `/api/messages/${message.body.id}`, { token: bob.accessToken });

    await call('PUT', '/api/settings', { token: ada.accessToken, body: { theme: 'dark' } });
    await call('GET', '/api/settings', { token: ada.accessToken });
    await call('POST', '/api/auth/password', { token: ada.accessToken, body: { currentPassword: ada.password, newPassword: 'another long passphrase 43' } });
    await server.app.requestLog.flush();
    await call('GET', '/api/logs', { token: admin });

    expect(statements.size).toBeGreaterThan(25);
    const db = new SQLite(path.join(server.database.dataDir, SQLITE_FILE), { readonly: true });
    try {
      const slow: string[] = [];
      for (const sql of statements) {
        if (!/^\s*(select|update|delete|with)/i.test(sql) || UNAVOIDABLE.some(([pattern]) => pattern.test(sql))) continue;
        const params = (sql.match(/\?/g) ?? []).map(() => null);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail);
        // A scan with no WHERE that walks the table in key order (`order by "id" limit …`) reads only its page.
        const filters = /\bwhere\b/i.test(sql);
        const bad = plan.filter((line) => (filters && /^SCAN (?!.*USING (COVERING )?INDEX)/.test(line)) || /TEMP B-TREE/.test(line));
        if (bad.length > 0) slow.push(`${sql}\n    → ${plan.join(' | ')}`);
      }
      expect(slow, slow.join('\n')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
