import type { Kysely } from 'kysely';
import { nowIso, toIso } from '../../db/connection.ts';
import type { Database, MessageRow } from '../../db/schema.ts';
import { pageSize, type Page } from '../shared/pagination.ts';

export type Box = 'all' | 'inbox' | 'sent';

export const toMessage = (row: MessageRow) => ({
  id: row.id,
  fromUserId: row.from_user_id,
  toUserId: row.to_user_id,
  body: row.body,
  createdAt: toIso(row.created_at),
});

export function insertMessage(db: Kysely<Database>, message: { fromUserId: number; toUserId: number; body: string }) {
  return db
    .insertInto('messages')
    .values({ from_user_id: message.fromUserId, to_user_id: message.toUserId, body: message.body, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Only a participant finds a message: the filter is part of the query, not a check after it. */
export function findMessageFor(db: Kysely<Database>, userId: number, messageId: number) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('id', '=', messageId)
    .where((eb) => eb.or([eb('from_user_id', '=', userId), eb('to_user_id', '=', userId)]))
    .executeTakeFirst();
}

export async function listMessagesFor(db: Kysely<Database>, userId: number, box: Box, page: Page) {
  const mine = db.selectFrom('messages').where((eb) => {
    if (box === 'inbox') return eb('to_user_id', '=', userId);
    if (box === 'sent') return eb('from_user_id', '=', userId);
    return eb.or([eb('from_user_id', '=', userId), eb('to_user_id', '=', userId)]);
  });
  const [rows, count] = await Promise.all([
    mine.selectAll().orderBy('id', 'desc').limit(pageSize(page)).offset(page.offset).execute(),
    mine.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}
