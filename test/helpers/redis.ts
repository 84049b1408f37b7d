import { Redis } from 'ioredis';
import { REDIS_TEST_URL } from './global-setup.ts';

/**
 * Whether the shared test Redis answers. Without it the tests that need it are skipped with a loud
 * warning, or fail when REQUIRE_REDIS=1 (as in CI).
 */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_TEST_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    const message = `Redis is not reachable at ${REDIS_TEST_URL} (${(error as Error).message}).`;
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`${message} REQUIRE_REDIS=1, so this fails.`);
    console.warn(`\n${'!'.repeat(78)}\n!! ${message}\n!! THE TESTS THAT NEED REDIS ARE SKIPPED.\n${'!'.repeat(78)}\n`);
    return false;
  } finally {
    client.disconnect();
  }
}

export { REDIS_TEST_URL };
