import type { FastifyReply, FastifyRequest } from 'fastify';

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
