import type { Kysely } from 'kysely';
import { nowIso, toIso } from '../../db/connection.ts';
import type { Database, OrderRow } from '../../db/schema.ts';
import { pageSize, type Page } from '../shared/pagination.ts';

export const toOrder = (row: OrderRow) => ({
  id: row.id,
  userId: row.user_id,
  courseId: row.course_id,
  priceCents: row.price_cents,
  createdAt: toIso(row.created_at),
});

export function insertOrder(db: Kysely<Database>, order: { userId: number; courseId: number; priceCents: number }) {
  return db
    .insertInto('orders')
    .values({ user_id: order.userId, course_id: order.courseId, price_cents: order.priceCents, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findOrderOfUser(db: Kysely<Database>, userId: number, courseId: number) {
  return db.selectFrom('orders').select('id').where('user_id', '=', userId).where('course_id', '=', courseId).executeTakeFirst();
}

/** The owner is part of the lookup, so another user's order is simply not found. */
export function findOwnOrder(db: Kysely<Database>, userId: number, orderId: number) {
  return db.selectFrom('orders').selectAll().where('id', '=', orderId).where('user_id', '=', userId).executeTakeFirst();
}

export async function listOwnOrders(db: Kysely<Database>, userId: number, page: Page) {
  const own = db.selectFrom('orders').where('user_id', '=', userId);
  const [rows, count] = await Promise.all([
    own.selectAll().orderBy('id', 'desc').limit(pageSize(page)).offset(page.offset).execute(),
    own.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}
