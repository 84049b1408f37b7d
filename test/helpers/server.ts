import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../../src/server/app.ts';
import { type Config, loadConfig } from '../../src/server/config.ts';
import { createTestDatabase, type TestDatabase, type TestDialect } from './databases.ts';

export const ADMIN_EMAIL = 'admin@test.local';
export const ADMIN_PASSWORD = 'correct horse battery staple';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  config: Config;
  database: TestDatabase;
  /** Calls the server over real HTTP. A body object is sent as JSON. */
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

/**
 * Starts the real server on an ephemeral port over a fresh database. Limits default high so a
 * suite can make many calls; tests of the limits pass their own.
 */
export async function startTestServer(dialect: TestDialect, env: Record<string, string> = {}, existing?: TestDatabase, build: BuildOptions = {}): Promise<TestServer> {
  const database = existing ?? (await createTestDatabase(dialect));
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.databaseUrl,
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    AUTH_RATE_LIMIT: '100000',
    RATE_LIMIT: '100000',
    LOGIN_FAILURES_PER_ACCOUNT: '1000',
    WORKSPACES_PER_HOUR: '100000',
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...env,
  });
  const app = await buildApp(config, build);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return {
    url,
    app,
    config,
    database,
    request: (method, path, options) => httpRequest(url, method, path, options),
    async close() {
      await app.close();
      if (!existing) await database.drop();
    },
  };
}

export async function httpRequest(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(baseUrl + path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: parsed, text };
}

let counter = 0;
/** A unique email per call, so tests sharing a database never collide. */
export const uniqueEmail = (label = 'user') => `${label}-${process.pid}-${Date.now()}-${++counter}@example.test`;
export const GOOD_PASSWORD = 'a long and unusual passphrase 42';

/** Registers a fresh user and returns its tokens and record. */
export async function registerUser(server: TestServer, name = 'Test User') {
  const email = uniqueEmail();
  const res = await server.request('POST', '/api/auth/register', { body: { email, password: GOOD_PASSWORD, name } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return { email, password: GOOD_PASSWORD, ...(res.body as { accessToken: string; refreshToken: string; user: { id: number; email: string; role: string } }) };
}

export async function loginAdmin(server: TestServer) {
  const res = await server.request('POST', '/api/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string; user: { id: number } };
}

/** Asserts the RFC 9457 shape that every error of the API has. */
export function isProblem(res: TestResponse, status: number) {
  return (
    res.status === status &&
    (res.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    res.body?.status === status &&
    typeof res.body?.type === 'string' &&
    typeof res.body?.title === 'string' &&
    typeof res.body?.detail === 'string' &&
    res.body.detail.length > 0
  );
}
