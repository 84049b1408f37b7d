import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/connection.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Makes the database reachable from every route and closes it after in-flight requests finish. */
async function dbPlugin(app: FastifyInstance, options: { db: Db }) {
  app.decorate('db', options.db);
  app.addHook('onClose', async () => {
    await options.db.close();
  });
}

export const db = fp(dbPlugin, { name: 'db' });
