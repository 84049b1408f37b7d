import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Db } from './connection.ts';
import { initial } from './migrations/001_initial.ts';
import { workspaces } from './migrations/002_workspaces.ts';
import { listIndexes } from './migrations/003_list_indexes.ts';

/** Migrations in order. Names sort by their prefix; never rename or edit one that has shipped. */
function migrations(dialect: Db['dialect']): Record<string, Migration> {
  return {
    '001_initial': initial(dialect),
    '002_workspaces': workspaces(dialect),
    '003_list_indexes': listIndexes(),
  };
}

/** Brings the schema up to date; run at every start, on SQLite and PostgreSQL alike. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(db.dialect) };
  const migrator = new Migrator({ db: db.kysely, provider, migrationTableName: 'schema_migrations', migrationLockTableName: 'schema_migrations_lock' });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
