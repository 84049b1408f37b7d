import type { Kysely } from 'kysely';
import { pageSize } from '../shared/pagination.ts';
import { nowIso, toIso } from '../../db/connection.ts';
import type { Database, Role, UserRow } from '../../db/schema.ts';

/** A user as the API shows it: never the hash, never the token version. */
export interface PublicUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export const toPublicUser = (row: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'created_at'>): PublicUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  createdAt: toIso(row.created_at),
});

export function findUserById(db: Kysely<Database>, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Kysely<Database>, email: string) {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function insertUser(db: Kysely<Database>, user: { email: string; name: string; role: Role; passwordHash: string }) {
  return db
    .insertInto('users')
    .values({ email: user.email, name: user.name, role: user.role, password_hash: user.passwordHash, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listUsers(db: Kysely<Database>, page: { offset: number; limit: number }) {
  const [rows, count] = await Promise.all([
    db.selectFrom('users').select(['id', 'email', 'name', 'role', 'created_at']).orderBy('id').limit(pageSize(page)).offset(page.offset).execute(),
    db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** New password, and every token issued before it stops working (version bump + refresh revocation). */
export async function changePassword(db: Kysely<Database>, userId: number, passwordHash: string) {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set((eb) => ({ password_hash: passwordHash, token_version: eb('token_version', '+', 1) }))
      .where('id', '=', userId)
      .execute();
    await trx.updateTable('refresh_tokens').set({ revoked_at: nowIso() }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  });
}
