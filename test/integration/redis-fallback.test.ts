import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/process.ts';
import { isProblem, startTestServer, type TestServer } from '../helpers/server.ts';

/** Redis holds only soft state: when it goes away the API keeps serving and keeps limiting. */
describe('rate limits when Redis comes and goes', () => {
  let redisProcess: ChildProcess | undefined;
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    redisProcess?.kill('SIGKILL');
  });

  async function startRedis(port: number) {
    redisProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
    probe.on('error', () => {}); // refused while redis-server starts; the loop below retries
    for (let i = 0; i < 100; i++) {
      if (await probe.connect().then(() => probe.ping(), () => null)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return probe;
  }

  const until = async (condition: () => boolean | Promise<boolean>, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end; ) {
      if (await condition()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  it('falls back to in-process counters, then returns to Redis', async () => {
    const port = await freePort();
    let probe = await startRedis(port);
    server = await startTestServer('sqlite', { REDIS_URL: `redis://127.0.0.1:${port}`, JWT_SECRET: randomBytes(32).toString('hex'), AUTH_RATE_LIMIT: '3' });
    const app = server.app;
    expect(await until(() => app.redisStatus() === 'ready', 5000)).toBe(true);
    const login = () => server!.request('POST', '/api/auth/login', { body: { email: 'x@example.test', password: 'not it at all' } });

    expect((await login()).status).toBe(401);
    expect((await probe.keys('backend-lab:rl:*')).length).toBeGreaterThan(0);
    probe.disconnect();

    redisProcess!.kill('SIGKILL');
    expect(await until(() => app.redisStatus() !== 'ready', 5000)).toBe(true);
    expect((await server.request('GET', '/api/courses')).status).toBe(200);
    // In memory the count starts again: three allowed, the fourth refused. Never a 5xx.
    const statuses = [(await login()).status, (await login()).status, (await login()).status];
    expect(statuses).toEqual([401, 401, 401]);
    expect(isProblem(await login(), 429)).toBe(true);

    probe = await startRedis(port);
    expect(await until(() => app.redisStatus() === 'ready', 8000)).toBe(true);
    await server.request('GET', '/api/courses');
    expect((await probe.keys('backend-lab:rl:*')).length).toBeGreaterThan(0);
    probe.disconnect();
  });
});
