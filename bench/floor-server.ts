/**
 * The floor: what the pieces the API must have cost by themselves, with nothing of ours around them —
 * Fastify, @fastify/rate-limit (in memory), helmet's headers worked out once, a request id,
 * @fastify/jwt with the same options, and the limit's own prepared statements and JSON.
 * Usage: tsx bench/floor-server.ts <sqlite file> <port> <jwt secret>
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyJwt from '@fastify/jwt';
import rateLimit from '@fastify/rate-limit';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import helmet from 'helmet';

const [file, port, secret] = process.argv.slice(2) as [string, string, string];
const db = new SQLite(file, { readonly: true });
const page = db.prepare("select * from courses where status = 'published' order by created_at desc, id desc limit 20 offset 0");
const total = db.prepare("select count(*) as total from courses where status = 'published'");
const userById = db.prepare('select id, email, name, role, created_at, token_version from users where id = ?');

const headers: Record<string, string> = {};
helmet()({} as IncomingMessage, { setHeader: (n: string, v: unknown) => void (headers[n] = String(v)), removeHeader: () => {} } as unknown as ServerResponse, () => {});

const app = Fastify({ genReqId: () => randomUUID() });
await app.register(rateLimit, { global: true, max: 1_000_000_000, timeWindow: 60_000, enableDraftSpec: true });
await app.register(fastifyJwt, { secret, verify: { algorithms: ['HS256'], allowedIss: 'backend-lab', cache: true } });
app.addHook('onRequest', (request, reply, done) => {
  reply.headers(headers).header('x-request-id', request.id);
  done();
});
type Row = Record<string, unknown>;
app.get('/api/courses', async () => {
  const data = (page.all() as Row[]).map((r) => ({ id: r.id, title: r.title, description: r.description, priceCents: r.price_cents, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at }));
  return { data, page: 1, limit: 20, total: (total.get() as { total: number }).total };
});
app.get('/api/me', async (request, reply) => {
  const claims = request.server.jwt.verify<{ sub: string; tv: number }>((request.headers.authorization ?? '').slice(7));
  const r = userById.get(Number(claims.sub)) as Row | undefined;
  if (!r || r.token_version !== claims.tv) return reply.code(401).send();
  return { id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.send?.('ready');
