import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpProblem, notFound } from '../../errors.ts';
import type { FastifyInstance } from 'fastify';

/** 80 bits, lower-case letters and digits: unguessable, and short enough for a URL a learner types. */
export const newWorkspaceId = () => randomBytes(10).toString('hex').slice(0, 20);
/** 256 bits: the key is a bearer secret for changing the workspace. */
export const newWorkspaceKey = () => 'wk_' + randomBytes(32).toString('base64url');
export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * The key comes in X-Workspace-Key, or in `?key=` for the log stream (EventSource cannot send
 * headers). A missing workspace and a wrong key both answer 404, so ids cannot be probed.
 */
export async function requireWorkspaceKey(app: FastifyInstance, request: FastifyRequest, id: string) {
  const header = request.headers['x-workspace-key'];
  const fromQuery = (request.query as { key?: unknown } | undefined)?.key;
  const key = typeof header === 'string' ? header : typeof fromQuery === 'string' ? fromQuery : undefined;
  if (!key) throw new HttpProblem(401, 'Send the workspace key in the X-Workspace-Key header; it was given when the workspace was created.', { type: 'workspace-key-missing' });
  const row = await request.db.selectFrom('workspaces').select('key_hash').where('id', '=', id).executeTakeFirst();
  const expected = Buffer.from(row?.key_hash ?? hashKey('no such workspace'), 'hex');
  const given = Buffer.from(hashKey(key), 'hex');
  if (!row || !timingSafeEqual(expected, given)) throw notFound('Workspace');
}
