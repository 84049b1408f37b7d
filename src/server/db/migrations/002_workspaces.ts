import type { Kysely } from 'kysely';
import type { Dialect } from '../connection.ts';
import { columnTypes } from './001_initial.ts';

/** Sandbox workspaces: the learner's code lives here, so every instance can serve every workspace. */
export function workspaces(dialect: Dialect) {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('workspaces')
        .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
        // SHA-256 of the key: the key itself is shown once, to the browser that created the workspace.
        .addColumn('key_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', t.timestamp, (c) => c.notNull())
        .addColumn('updated_at', t.timestamp, (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('workspaces').execute();
    },
  };
}
