import pg from 'pg';
import { ensureWebBuild } from '../../src/server/web-build.ts';
import { ensureChromium } from './browser.ts';
import type { TestProject } from 'vitest/node';

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_TEST_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string | null;
    /** Why the browser tests cannot run, when they cannot. */
    chromiumProblem: string | null;
  }
}

/**
 * Finds out once whether PostgreSQL is there. Without it the PostgreSQL runs are skipped and this
 * says so loudly; with REQUIRE_POSTGRES=1 (as .ci/run sets) its absence fails the whole run.
 */
export default async function setup(project: TestProject) {
  await ensureWebBuild((line) => console.log(line));
  project.provide('chromiumProblem', ensureChromium().problem ?? null);
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    project.provide('postgresAdminUrl', POSTGRES_ADMIN_URL);
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}).`;
    if (process.env.REQUIRE_POSTGRES === '1') throw new Error(`${message} REQUIRE_POSTGRES=1, so the run fails.`);
    const bar = '!'.repeat(78);
    console.warn(`\n${bar}\n!! ${message}\n!! EVERY POSTGRESQL TEST IS SKIPPED. Only SQLite was tested.\n${bar}\n`);
    project.provide('postgresAdminUrl', null);
  } finally {
    await client.end().catch(() => {});
  }
}
