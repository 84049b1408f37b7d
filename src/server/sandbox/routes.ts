import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../errors.ts';
import { addSandboxSteps } from '../trace/sandbox-steps.ts';
import { FORCED_HEADERS, learnerHeader, refusedDestination } from './headers.ts';
import type { SandboxRequest } from './types.ts';

const WORKSPACE_ID = /^[a-z0-9]{1,32}$/;
const BODY_LIMIT = 1024 * 1024;
/** Hop-by-hop and framing headers are the server's business, not the learner code's. */
const RESERVED_HEADERS = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'date']);

/**
 * /sandbox/<workspace>/… → the learner's app. Any method, any content type: the body reaches the
 * sandbox as text and its express.json()/urlencoded() parse it, as they would in Express.
 */
export async function sandboxRoutes(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
  // Last word on every answer under /sandbox (learner code, our problems, redirects): see headers.ts.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(FORCED_HEADERS);
    done(null, payload);
  });
  app.addHook('onRequest', (request, reply, done) => {
    const destination = refusedDestination(request.headers);
    if (destination === null) return done();
    // No done(): the problem is the answer, and learner code never runs.
    sendProblem(reply, 403, `A page of this lab may not load /sandbox/… as a ${destination} (Sec-Fetch-Dest): what a workspace serves never runs as the lab. Open the link, or call it with fetch.`, { type: 'sandbox-destination' });
  });

  const serve = async (request: FastifyRequest<{ Params: { id: string; '*'?: string } }>, reply: FastifyReply) => {
    const { id } = request.params;
    if (!WORKSPACE_ID.test(id)) return sendProblem(reply, 404, `There is no workspace "${id.slice(0, 40)}".`, { type: 'not-found' });
    const code = await app.workspaceCode(id);
    if (!code) return sendProblem(reply, 404, `There is no workspace "${id}". Create one in the lab (Code tab) or with POST /api/workspaces.`, { type: 'not-found' });
    const [, query = ''] = request.url.split(/\?(.*)/s);
    const path = '/' + (request.params['*'] ?? '');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const sandboxRequest: SandboxRequest = { method: request.method, path, query, headers, body: typeof request.body === 'string' ? request.body : '' };
    const response = await app.sandbox.handle(id, code.source, sandboxRequest);
    if (request.trace) addSandboxSteps(request.trace, sandboxRequest, response);
    reply.code(response.status);
    for (const [name, value] of Object.entries(response.headers)) {
      if (RESERVED_HEADERS.has(name.toLowerCase())) continue;
      const allowed = learnerHeader(name, value, id);
      if (allowed !== undefined) reply.header(name, allowed);
    }
    return reply.send(response.body);
  };

  // The router ignores trailing slashes, so "/sandbox/<id>/" lands here too: that is the app's root.
  app.all('/:id', (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const { id } = request.params;
    if (request.url.split('?')[0]!.endsWith('/')) return serve(request, reply);
    if (!WORKSPACE_ID.test(id)) return sendProblem(reply, 404, 'There is no such workspace.', { type: 'not-found' });
    const [, query] = request.url.split(/\?(.*)/s);
    return reply.redirect(`/sandbox/${id}/${query ? `?${query}` : ''}`, 308);
  });
  app.all('/:id/*', serve);
}
