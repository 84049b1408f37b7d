import { type ChildProcess, spawn } from 'node:child_process';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/process.ts';
import { connectRedis } from '../plugins/redis.ts';
import { SandboxBus, type SandboxEvent } from './bus.ts';

const quiet = { info() {}, warn() {}, error() {} } as unknown as FastifyBaseLogger;
const until = async (condition: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end && !condition(); ) await new Promise((r) => setTimeout(r, 50));
  return condition();
};

describe('the sandbox bus on Redis', () => {
  let redisServer: ChildProcess | undefined;
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
    redisServer?.kill('SIGKILL');
  });

  it('subscribes once Redis answers, even if it was down when the instance started', async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const publisher = connectRedis(url, quiet);
    const bus = new SandboxBus(publisher, 'test:sandbox', quiet);
    cleanup.push(() => bus.close(), () => publisher.disconnect());
    const heard: SandboxEvent[] = [];
    bus.on((event) => heard.push(event));
    // Long enough for the main connection's retries (and the old subscriber's one retry) to give up.
    await new Promise((r) => setTimeout(r, 1500));
    redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const other = new Redis(port, '127.0.0.1', { retryStrategy: () => 100 });
    other.on('error', () => {});
    cleanup.push(() => other.disconnect());
    const event = { type: 'deployed', workspaceId: 'w1', instance: 'elsewhere' } as const;
    const heardIt = await until(() => {
      // A publish still in flight when the test disconnects is refused; that is not what is tested.
      if (other.status === 'ready') other.publish('test:sandbox', JSON.stringify(event)).catch(() => {});
      return heard.length > 0;
    }, 8000);
    expect(heardIt).toBe(true);
    expect(heard[0]).toEqual(event);
  });
});
