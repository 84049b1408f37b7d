import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../helpers/databases.ts';
import { type ServerProcess, startServerProcess } from '../helpers/process.ts';
import { ADMIN_EMAIL, ADMIN_PASSWORD, GOOD_PASSWORD, httpRequest, uniqueEmail } from '../helpers/server.ts';

const COURSES = 250;
const KILL_AFTER_ACKS = 120;
const IN_FLIGHT = 8;

/**
 * The promise behind every 201: under a stream of orders the server is killed with SIGKILL (no
 * chance to flush anything), restarted on the same data, and every acknowledged order must be there.
 */
describe.each(testDialects())('an acknowledged write survives kill -9 (%s)', (dialect) => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await database?.drop();
  });

  const start = () =>
    startServerProcess({
      DATA_DIR: database.dataDir,
      DATABASE_URL: database.databaseUrl,
      ADMIN_EMAIL,
      ADMIN_PASSWORD,
      RATE_LIMIT: '1000000',
      AUTH_RATE_LIMIT: '1000000',
    });

  it('every order answered 201 is in the database after a restart', async () => {
    database = await createTestDatabase(dialect);
    server = await start();
    const admin = (await httpRequest(server.url, 'POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).body.accessToken;
    const courseIds: number[] = [];
    for (let i = 0; i < COURSES; i++) {
      const res = await httpRequest(server.url, 'POST', '/api/courses', { token: admin, body: { title: `Course ${i}`, priceCents: 100, status: 'published' } });
      courseIds.push(res.body.id);
    }
    const coursesBefore = (await httpRequest(server.url, 'GET', '/api/courses?limit=1')).body.total;
    const email = uniqueEmail('buyer');
    const buyer = (await httpRequest(server.url, 'POST', '/api/auth/register', { body: { email, password: GOOD_PASSWORD, name: 'Buyer' } })).body.accessToken;

    const acknowledged: number[] = [];
    let next = 0;
    let killed = false;
    const victim = server;
    const worker = async () => {
      while (!killed && next < courseIds.length) {
        const courseId = courseIds[next++];
        try {
          const res = await httpRequest(victim.url, 'POST', '/api/orders', { token: buyer, body: { courseId } });
          if (res.status === 201) acknowledged.push(res.body.id);
        } catch {
          // The connection died with the server: this order was never acknowledged.
        }
        if (!killed && acknowledged.length >= KILL_AFTER_ACKS) {
          killed = true;
          victim.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(killed).toBe(true);
    expect(await victim.exited).toBe(null); // ended by the signal, not by itself

    server = await start();
    const token = (await httpRequest(server.url, 'POST', '/api/auth/login', { body: { email, password: GOOD_PASSWORD } })).body.accessToken;
    const stored = new Set<number>();
    for (let page = 1; ; page++) {
      const res = await httpRequest(server.url, 'GET', `/api/orders?limit=100&page=${page}`, { token });
      for (const order of res.body.data) stored.add(order.id);
      if (res.body.data.length < 100) break;
    }
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(lost).toEqual([]);
    // The restart migrated nothing new and seeded nothing twice.
    expect((await httpRequest(server.url, 'GET', '/api/courses?limit=1')).body.total).toBe(coursesBefore);
  });
});
