import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { PasswordHasher } from '../api/auth/passwords.ts';
import { findUserByEmail, insertUser } from '../api/users/queries.ts';
import { type Db, isUniqueViolation, nowIso } from './connection.ts';

export interface SeedResult {
  /** Set only on the start that created the admin with a generated password. */
  generatedAdminPassword?: string;
  adminEmail: string;
}

const DEMO_COURSES = [
  { title: 'HTTP from the ground up', description: 'Methods, status codes, headers and bodies: what really travels between a client and a server.', price_cents: 0 },
  { title: 'Designing REST APIs', description: 'Resources, URLs, pagination, errors as problem+json, and versioning without pain.', price_cents: 2900 },
  { title: 'Authentication done right', description: 'Password hashing with argon2id, JWT access tokens, refresh rotation and logout.', price_cents: 3900 },
  { title: 'SQL for backend developers', description: 'Tables, relations, indexes and transactions, from SQLite on a laptop to PostgreSQL in production.', price_cents: 3400 },
  { title: 'Securing an API', description: 'The OWASP API Security Top 10 in practice: authorization, rate limits, input validation.', price_cents: 4400 },
  { title: 'Scaling out', description: 'Several instances behind a load balancer, shared state in Redis, graceful shutdown.', price_cents: 4900 },
];

/** First start only: the admin account and the demo courses. Safe when two instances start at once. */
export async function seedDemoData(db: Db, config: Config, passwords: PasswordHasher): Promise<SeedResult> {
  const result: SeedResult = { adminEmail: config.adminEmail };
  if (!(await findUserByEmail(db.kysely, config.adminEmail))) {
    const password = config.adminPassword ?? randomBytes(15).toString('base64url');
    try {
      await insertUser(db.kysely, { email: config.adminEmail, name: 'Administrator', role: 'admin', passwordHash: await passwords.hash(password) });
      if (!config.adminPassword) result.generatedAdminPassword = password;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  await db.kysely.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('app_meta').values({ key: 'demo_courses_seeded', value: nowIso() }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return;
    const now = Date.now();
    await trx
      .insertInto('courses')
      .values(DEMO_COURSES.map((c, i) => ({ ...c, status: 'published' as const, created_at: new Date(now + i).toISOString(), updated_at: new Date(now + i).toISOString() })))
      .execute();
  });
  return result;
}
