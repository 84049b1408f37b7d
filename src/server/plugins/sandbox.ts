import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { toIso } from '../db/connection.ts';
import { SandboxBus } from '../sandbox/bus.ts';
import { WorkspaceLogs } from '../sandbox/logs.ts';
import { createSandbox, type Sandbox } from '../sandbox/pool.ts';

export interface WorkspaceCode {
  source: string;
  updatedAt: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    sandbox: Sandbox;
    sandboxBus: SandboxBus;
    workspaceLogs: WorkspaceLogs;
    /** The workspace's code as stored, from a cache that deploys on any instance invalidate. */
    workspaceCode(id: string): Promise<WorkspaceCode | undefined>;
    /** Tells this and every other instance that a workspace's code changed. */
    workspaceDeployed(id: string): void;
    /** Tells the other instances that a workspace's database was emptied. */
    workspaceReset(id: string): void;
  }
}

/** While Redis is down, instances cannot tell each other about deploys; cached code is then trusted this long. */
const UNSHARED_CACHE_MS = 1000;
const CACHED_WORKSPACES = 5000;

async function sandboxPlugin(app: FastifyInstance, options: { redis?: Redis; redisPrefix: string }) {
  const { config } = app;
  const instance = randomUUID();
  const sandbox = createSandbox({ ...config.sandbox, dataDir: config.dataDir, databaseUrl: config.databaseUrl, log: app.log });
  const bus = new SandboxBus(options.redis, `${options.redisPrefix}sandbox`, app.log);
  const logs = new WorkspaceLogs();
  const cache = new Map<string, WorkspaceCode & { at: number }>();

  sandbox.onLog((line) => bus.publish({ type: 'log', line }));
  bus.on((event) => {
    if (event.type === 'log') return logs.append(event.line);
    // The instance that sent the event has done its part already.
    if (event.type === 'reset') {
      if (event.instance !== instance) void sandbox.forgetTables(event.workspaceId).catch(() => {});
      return;
    }
    cache.delete(event.workspaceId);
    if (event.instance !== instance) void sandbox.unload(event.workspaceId);
  });

  app.decorate('sandbox', sandbox);
  app.decorate('sandboxBus', bus);
  app.decorate('workspaceLogs', logs);
  app.decorate('workspaceDeployed', (id: string) => {
    cache.delete(id);
    bus.publish({ type: 'deployed', workspaceId: id, instance });
  });
  app.decorate('workspaceReset', (id: string) => {
    bus.publish({ type: 'reset', workspaceId: id, instance });
  });
  app.decorate('workspaceCode', async (id: string) => {
    const cached = cache.get(id);
    const shared = !options.redis || options.redis.status === 'ready';
    if (cached && (shared || Date.now() - cached.at < UNSHARED_CACHE_MS)) return cached;
    const row = await app.db.kysely.selectFrom('workspaces').select(['source', 'updated_at']).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const code = { source: row.source, updatedAt: toIso(row.updated_at), at: Date.now() };
    if (cached && cached.updatedAt !== code.updatedAt) await sandbox.unload(id);
    cache.set(id, code);
    if (cache.size > CACHED_WORKSPACES) cache.delete(cache.keys().next().value!);
    return code;
  });

  app.addHook('onClose', async () => {
    bus.close();
    await sandbox.close();
  });
}

export const sandbox = fp(sandboxPlugin, { name: 'sandbox', dependencies: ['db'] });
