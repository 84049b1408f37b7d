import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from '../connection.ts';

/** Column types that differ between the dialects; everything else is written once. */
export function columnTypes(dialect: Dialect) {
  const postgres = dialect === 'postgres';
  return {
    timestamp: postgres ? sql`timestamptz` : sql`text`,
    json: postgres ? sql`jsonb` : sql`text`,
    id: (col: ColumnDefinitionBuilder) =>
      postgres ? col.primaryKey().generatedByDefaultAsIdentity() : col.primaryKey().autoIncrement(),
  };
}

export function initial(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'integer', t.id)
        .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('role', 'varchar(10)', (c) => c.notNull().defaultTo('user').check(sql`role in ('user', 'admin')`))
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'integer', t.id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('family_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('expires_at', t.timestamp, (c) => c.notNull())
        .addColumn('used_at', t.timestamp)
        .addColumn('revoked_at', t.timestamp)
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refresh_tokens_family').on('refresh_tokens').column('family_id').execute();
      await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();

      await db.schema
        .createTable('courses')
        .addColumn('id', 'integer', t.id)
        .addColumn('title', 'varchar(200)', (c) => c.notNull())
        .addColumn('description', 'varchar(5000)', (c) => c.notNull().defaultTo(''))
        .addColumn('price_cents', 'integer', (c) => c.notNull().check(sql`price_cents >= 0`))
        .addColumn('status', 'varchar(10)', (c) => c.notNull().defaultTo('draft').check(sql`status in ('draft', 'published')`))
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
      // One index per sort the list endpoint offers, each led by status (the public list filters on it).
      await db.schema.createIndex('courses_status_created').on('courses').columns(['status', 'created_at', 'id']).execute();
      await db.schema.createIndex('courses_status_title').on('courses').columns(['status', 'title', 'id']).execute();
      await db.schema.createIndex('courses_status_price').on('courses').columns(['status', 'price_cents', 'id']).execute();

      await db.schema
        .createTable('orders')
        .addColumn('id', 'integer', t.id)
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('course_id', 'integer', (c) => c.notNull().references('courses.id').onDelete('restrict'))
        .addColumn('price_cents', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('orders_user_course', ['user_id', 'course_id'])
        .execute();
      await db.schema.createIndex('orders_course').on('orders').column('course_id').execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', 'integer', t.id)
        .addColumn('from_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('to_user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('body', 'varchar(5000)', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_to').on('messages').columns(['to_user_id', 'id']).execute();
      await db.schema.createIndex('messages_from').on('messages').columns(['from_user_id', 'id']).execute();

      await db.schema
        .createTable('settings')
        .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
        .addColumn('data', t.json, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('request_logs')
        .addColumn('id', 'integer', t.id)
        .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('method', 'varchar(10)', (c) => c.notNull())
        .addColumn('path', 'varchar(2048)', (c) => c.notNull())
        .addColumn('route', 'varchar(200)')
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('duration_ms', 'real', (c) => c.notNull())
        .addColumn('user_id', 'integer')
        .addColumn('ip', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('app_meta')
        .addColumn('key', 'varchar(100)', (c) => c.primaryKey())
        .addColumn('value', 'varchar(1000)', (c) => c.notNull())
        .execute();
    },
  };
}
