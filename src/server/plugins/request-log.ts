import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { NewRequestLog } from '../db/schema.ts';
import { openRequestLogWriter } from '../db/request-log-writer.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requestLog: { flush(): Promise<void> };
  }
}

const FLUSH_EVERY_MS = 1000;
/** A burst flushes early, so the buffer stays bounded. */
const FLUSH_AT = 5000;

/**
 * Records every /api request for GET /api/logs. Rows are written in batches, one a second, in the
 * background (request-log-writer.ts), so logging never adds a database round trip to a request nor
 * stops the event loop. Logs are best-effort: the last second of them can be lost in a crash,
 * unlike the data the API acknowledges.
 */
async function requestLogPlugin(app: FastifyInstance) {
  const writer = openRequestLogWriter(app.db);
  let buffer: NewRequestLog[] = [];
  let flushing: Promise<void> = Promise.resolve();

  function flush() {
    if (buffer.length === 0) return flushing;
    const batch = buffer;
    buffer = [];
    flushing = flushing
      .then(() => writer.write(batch))
      .catch((error: unknown) => app.log.warn({ err: error, dropped: batch.length }, 'could not write request logs'));
    return flushing;
  }

  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();

  app.decorate('requestLog', { flush });

  app.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0] ?? request.url;
    // Query strings are left out: they can carry secrets a client should not have put there.
    if (!path.startsWith('/api/')) return done();
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
    done();
  });

  // Registered after the db plugin, so it runs before the database closes.
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await flush();
    await writer.close();
  });
}

export const requestLog = fp(requestLogPlugin, { name: 'request-log', dependencies: ['db'] });
