import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { WEB_DIST } from '../web-build.ts';

/**
 * Learner scripts run in a Web Worker, compiled with `new Function`. A worker takes its CSP from
 * its own script's response, so only the worker may evaluate code; the page itself may not.
 */
const WORKER_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'; connect-src 'self' http: https:";

/** The lab's browser app from dist/web at /. Hashed assets are cached for good; the page never is. */
async function webPlugin(app: FastifyInstance) {
  if (!fs.existsSync(WEB_DIST)) {
    app.log.warn('dist/web is missing: run `npm run build` to serve the lab page');
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIST,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(res, filePath) {
      res.header('cache-control', filePath.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  // A callback hook: an async one costs a promise on every response, API answers included.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/assets/') && request.url.includes('worker')) reply.header('content-security-policy', WORKER_CSP);
    done(null, payload);
  });
}

export const web = fp(webPlugin, { name: 'web' });
