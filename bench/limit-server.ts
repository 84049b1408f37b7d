/**
 * The limit: the least a server can do for the same answers — node:http, one prepared statement,
 * JSON.stringify. No validation, no rate limit, no headers, no logs. Our API is measured against it.
 * Usage: tsx bench/limit-server.ts <sqlite file> <port> <jwt secret>
 */
import http from 'node:http';
import SQLite from 'better-sqlite3';
import { createVerifier } from 'fast-jwt';

const [file, port, secret] = process.argv.slice(2) as [string, string, string];
const db = new SQLite(file, { readonly: true });
db.pragma('journal_mode = WAL');
const page = db.prepare("select * from courses where status = 'published' order by created_at desc, id desc limit 20 offset 0");
const total = db.prepare("select count(*) as total from courses where status = 'published'");
const userById = db.prepare('select id, email, name, role, created_at, token_version from users where id = ?');
const verify = createVerifier({ key: secret, algorithms: ['HS256'], allowedIss: 'backend-lab', cache: true });

type Row = Record<string, unknown>;
http
  .createServer((req, res) => {
    if (req.url === '/api/courses?limit=20') {
      const data = (page.all() as Row[]).map((r) => ({ id: r.id, title: r.title, description: r.description, priceCents: r.price_cents, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at }));
      const body = JSON.stringify({ data, page: 1, limit: 20, total: (total.get() as { total: number }).total });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (req.url === '/api/me') {
      try {
        const claims = verify((req.headers.authorization ?? '').slice(7)) as { sub: string; tv: number };
        const r = userById.get(Number(claims.sub)) as Row | undefined;
        if (!r || r.token_version !== claims.tv) throw new Error('stale');
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: r.id, email: r.email, name: r.name, role: r.role, createdAt: r.created_at }));
      } catch {
        res.writeHead(401).end();
      }
      return;
    }
    res.writeHead(404).end();
  })
  .listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
