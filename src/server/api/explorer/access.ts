import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpProblem } from '../../errors.ts';

/**
 * Who may read the reference database: an admin (Bearer token), or anyone on a local
 * single-user lab. "Local" is strict, because it needs no password:
 *  - the server listens on a loopback address (HOST 127.0.0.1, ::1 or localhost, the default);
 *  - no proxy is configured (TRUST_PROXY) nor announced (X-Forwarded-For, Forwarded, X-Real-IP):
 *    behind a proxy on the same machine every request would come from 127.0.0.1;
 *  - the connection comes from a loopback address (the socket's, never a header's);
 *  - the Host header names this computer, so a web page that rebinds its DNS name to 127.0.0.1
 *    cannot read the database from the learner's browser.
 */

export type LocalCheck = { local: true } | { local: false; reason: string };

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:/, '');
  return a === 'localhost' || a === '::1' || /^127(?:\.\d{1,3}){3}$/.test(a);
}

/** The host name of a Host header, without its port. */
function hostName(host: string | undefined) {
  if (!host) return undefined;
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

export function localCheck(app: FastifyInstance, request: FastifyRequest): LocalCheck {
  const { host, trustProxy } = app.config;
  if (!isLoopback(host)) return { local: false, reason: `This lab listens on ${host}, not only on this computer (HOST)` };
  const headers = request.headers;
  if (trustProxy !== false || headers['x-forwarded-for'] || headers.forwarded || headers['x-real-ip']) {
    return { local: false, reason: 'Requests reach this lab through a proxy' };
  }
  if (!isLoopback(request.socket.remoteAddress)) return { local: false, reason: 'This request does not come from the computer the lab runs on' };
  if (!isLoopback(hostName(headers.host))) return { local: false, reason: `The request is addressed to ${hostName(headers.host) ?? 'no host'}, not to localhost` };
  return { local: true };
}

const ADMINS_ONLY = 'so the reference database is open to admins only: send an admin\'s access token (Authorization: Bearer …).';

/** onRequest hook of the reference routes: 401 without a token, 403 for a non-admin, unless local. */
export function requireReferenceAccess(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const check = localCheck(app, request);
    if (check.local) return;
    if (!request.headers.authorization) {
      throw new HttpProblem(401, `${check.reason}, ${ADMINS_ONLY}`, { type: 'unauthorized', headers: { 'www-authenticate': 'Bearer realm="backend-lab"' } });
    }
    await app.authenticate(request, reply);
    await app.requireRole('admin')(request);
  };
}

/** What GET /api/explorer/access answers: may this caller read it, and why (not). */
export async function describeAccess(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const check = localCheck(app, request);
  if (check.local) return { available: true, via: 'local' as const, reason: 'A local single-user lab: requests from this computer may read the reference database.' };
  if (!request.headers.authorization) return { available: false, via: null, reason: `${check.reason}, ${ADMINS_ONLY}` };
  await app.authenticate(request, reply);
  if (request.user.role === 'admin') return { available: true, via: 'admin' as const, reason: 'You are an admin.' };
  return { available: false, via: null, reason: `${check.reason}, and this account is not an admin: the reference database is open to admins only.` };
}
