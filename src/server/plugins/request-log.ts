import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db/connection.ts';
import type { Database, NewRequestLog } from '../db/schema.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requestLog: { flush(): Promise<void> };
  }
}

const FLUSH_EVERY_MS = 1000;
/** A burst flushes early, so the buffer stays small; otherwise one commit (one fsync) a second. */
const FLUSH_AT = 5000;
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
      await insertRequestLogs(app.db.kysely, app.db.dialect, batch);
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
  });
}

/**
 * The whole batch as one JSON parameter, unpacked by the database: one short statement to build
 * and prepare, where a multi-row VALUES list made Kysely build a node for each of thousands of values.
 */
function insertRequestLogs(db: Kysely<Database>, dialect: Dialect, batch: NewRequestLog[]) {
  const json = JSON.stringify(batch.map((r) => [r.request_id, r.method, r.path, r.route, r.status, r.duration_ms, r.user_id, r.ip, r.created_at]));
  const columns = sql`(request_id, method, path, route, status, duration_ms, user_id, ip, created_at)`;
  if (dialect === 'postgres') {
    return sql`insert into request_logs ${columns}
      select r->>0, r->>1, r->>2, r->>3, (r->>4)::int, (r->>5)::real, (r->>6)::int, r->>7, (r->>8)::timestamptz
      from json_array_elements(${json}::json) as r`.execute(db);
  }
  return sql`insert into request_logs ${columns}
    select value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8
    from json_each(${json})`.execute(db);
}

export const requestLog = fp(requestLogPlugin, { name: 'request-log', dependencies: ['db'] });
