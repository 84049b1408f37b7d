import type { Kysely } from 'kysely';

/**
 * Indexes that let two lists read their page in order instead of sorting: a user's orders, newest
 * first (the unique (user_id, course_id) index finds them but not in id order), and the admin's
 * course list, which shows drafts too and so cannot use the indexes led by status.
 */
export function listIndexes() {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('orders_user_id').on('orders').columns(['user_id', 'id']).execute();
      await db.schema.createIndex('courses_created').on('courses').columns(['created_at', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('courses_created').execute();
      await db.schema.dropIndex('orders_user_id').execute();
    },
  };
}
