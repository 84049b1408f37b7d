import { type Kysely, sql } from 'kysely';
import { nowIso, toIso } from '../../db/connection.ts';
import type { CourseRow, CourseStatus, Database } from '../../db/schema.ts';
import { pageSize, type Page } from '../shared/pagination.ts';
import type { COURSE_SORTS } from './schemas.ts';

export const toCourse = (row: CourseRow) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  priceCents: row.price_cents,
  status: row.status,
  createdAt: toIso(row.created_at),
  updatedAt: toIso(row.updated_at),
});

const SORT_COLUMNS = { createdAt: 'created_at', title: 'title', price: 'price_cents' } as const;

export async function listCourses(
  db: Kysely<Database>,
  options: { page: Page; q?: string; sort: (typeof COURSE_SORTS)[number]; includeDrafts: boolean },
) {
  let filtered = db.selectFrom('courses');
  if (!options.includeDrafts) filtered = filtered.where('status', '=', 'published');
  if (options.q) {
    // Escape LIKE's wildcards so a search for "100%" means the text "100%".
    const pattern = '%' + options.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    filtered = filtered.where((eb) =>
      eb.or([sql<boolean>`lower(title) like ${pattern} escape '\\'`, sql<boolean>`lower(description) like ${pattern} escape '\\'`]),
    );
  }
  const descending = options.sort.startsWith('-');
  const column = SORT_COLUMNS[options.sort.replace('-', '') as keyof typeof SORT_COLUMNS];
  const direction = descending ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    filtered.selectAll().orderBy(column, direction).orderBy('id', direction).limit(pageSize(options.page)).offset(options.page.offset).execute(),
    filtered.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export function findCourse(db: Kysely<Database>, id: number) {
  return db.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertCourse(db: Kysely<Database>, input: { title: string; description?: string; priceCents: number; status?: CourseStatus }) {
  const now = nowIso();
  return db
    .insertInto('courses')
    .values({ title: input.title, description: input.description ?? '', price_cents: input.priceCents, status: input.status ?? 'draft', created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateCourse(db: Kysely<Database>, id: number, input: { title?: string; description?: string; priceCents?: number; status?: CourseStatus }) {
  return db
    .updateTable('courses')
    .set({ title: input.title, description: input.description, price_cents: input.priceCents, status: input.status, updated_at: nowIso() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCourse(db: Kysely<Database>, id: number) {
  const result = await db.deleteFrom('courses').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
