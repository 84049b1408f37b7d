import type { FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';

export interface Page {
  page: number;
  limit: number;
  offset: number;
}

export function pageFrom(query: { page?: number; limit?: number }): Page {
  const page = query.page ?? 1;
  const limit = query.limit ?? 20;
  return { page, limit, offset: (page - 1) * limit };
}

/**
 * The page size for `.limit()`, written into the SQL as a number. SQLite's planner reads a bound
 * LIMIT's value, so it re-prepared such a statement on every run: a third of the SQLite time of
 * GET /api/courses. The size is a whole number the route's schema checked (1–100), so at most
 * 100 texts per query; the offset stays a parameter.
 */
export function pageSize(page: Pick<Page, 'limit'>) {
  if (!Number.isSafeInteger(page.limit) || page.limit < 0) throw new Error(`page size must be a whole number, got ${page.limit}`);
  return sql.lit(page.limit);
}

/**
 * Sends `{data, page, limit, total}` and an RFC 8288 Link header with rel=next/prev, keeping every
 * other query parameter of the request so a client can follow the links as they are.
 */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, page: Page, data: T[], total: number) {
  const links: string[] = [];
  const lastPage = Math.max(1, Math.ceil(total / page.limit));
  if (page.page < lastPage) links.push(`<${pageUrl(request, page.page + 1, page.limit)}>; rel="next"`);
  if (page.page > 1) links.push(`<${pageUrl(request, Math.min(page.page - 1, lastPage), page.limit)}>; rel="prev"`);
  if (links.length > 0) reply.header('link', links.join(', '));
  return { data, page: page.page, limit: page.limit, total };
}

function pageUrl(request: FastifyRequest, page: number, limit: number) {
  const url = new URL(request.url, 'http://placeholder');
  url.searchParams.set('page', String(page));
  url.searchParams.set('limit', String(limit));
  return url.pathname + url.search;
}
