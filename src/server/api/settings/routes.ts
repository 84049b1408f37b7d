import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../errors.ts';
import { nowIso } from '../../db/connection.ts';
import { problems } from '../shared/schemas.ts';
import { ownerOnly } from '../../trace/steps.ts';

const MAX_SETTINGS_BYTES = 16 * 1024;
const Settings = Type.Record(Type.String(), Type.Unknown(), { description: 'Any JSON object, up to 16 KiB' });

export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['settings'];
  const security = [{ bearer: [] }];
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', ownerOnly('settings'));

  app.get('/', {
    schema: { tags, summary: 'Your settings ({} until you save some)', security, response: { 200: Settings, ...problems(401) } },
    handler: async (request) => {
      const row = await request.db.selectFrom('settings').select('data').where('user_id', '=', request.user.id).executeTakeFirst();
      if (!row) return {};
      // jsonb arrives parsed from PostgreSQL; SQLite keeps the text.
      return typeof row.data === 'string' ? JSON.parse(row.data) : row.data;
    },
  });

  app.put('/', {
    schema: { tags, summary: 'Replace your settings', security, body: Settings, response: { 200: Settings, ...problems(400, 401, 413) } },
    handler: async (request) => {
      const text = JSON.stringify(request.body);
      const size = Buffer.byteLength(text);
      if (size > MAX_SETTINGS_BYTES) {
        throw new HttpProblem(413, `Settings may take up to 16 KiB as JSON; these take ${(size / 1024).toFixed(1)} KiB.`, { type: 'settings-too-large' });
      }
      const now = nowIso();
      await request.db
        .insertInto('settings')
        .values({ user_id: request.user.id, data: text, updated_at: now })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ data: text, updated_at: now }))
        .execute();
      return request.body;
    },
  });
};
