import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { NewRequestLog } from '../db/schema.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requestLog: { flush(): Promise<void> };
  }
}

const FLUSH_EVERY_MS = 1000;
const FLUSH_AT = 500;
const KEEP_ROWS = 50_000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Records every /api request for GET /api/logs. Rows are written in batches, one transaction a
 * second, so logging never adds a database round trip to a request. Logs are best-effort: the
 * last second of them can be lost in a crash, unlike the data the API acknowledges.
 */
async function requestLogPlugin(app: FastifyInstance) {
  let buffer: NewRequestLog[] = [];
  let lastPrune = Date.now();
  let flushing: Promise<void> = Promise.resolve();

  async function write(batch: NewRequestLog[]) {
    try {
      await app.db.kysely.insertInto('request_logs').values(batch).execute();
      if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = Date.now();
        const newest = await app.db.kysely.selectFrom('request_logs').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
        if (newest?.id) await app.db.kysely.deleteFrom('request_logs').where('id', '<=', Number(newest.id) - KEEP_ROWS).execute();
      }
    } catch (error) {
      app.log.warn({ err: error, dropped: batch.length }, 'could not write request logs');
    }
  }

  function flush() {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing.then(() => write(batch));
    return flushing;
  }

  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();

  app.decorate('requestLog', { flush });

  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    // Query strings are left out: they can carry secrets a client should not have put there.
    if (!path.startsWith('/api/')) return;
    buffer.push({
      request_id: request.id,
      method: request.method,
      path: path.slice(0, 2048),
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      duration_ms: Math.round(reply.elapsedTime * 100) / 100,
      user_id: request.user?.id ?? null,
      ip: request.ip,
      created_at: new Date().toISOString(),
    });
    if (buffer.length >= FLUSH_AT) void flush();
  });

  // Registered after the db plugin, so it runs before the database closes.
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
  });
}

export const requestLog = fp(requestLogPlugin, { name: 'request-log', dependencies: ['db'] });
