/**
 * The sandbox's second baseline: the learner's JSON route written natively inside our own server,
 * behind every hook an /api request passes (rate limit, security headers, request log, trace).
 * The sandbox route over this is what running code in an isolate costs by itself.
 * Usage: tsx bench/lab-route-server.ts <port> (environment as for npm start)
 */
import { buildApp } from '../src/server/app.ts';
import { loadConfig } from '../src/server/config.ts';

const app = await buildApp(loadConfig(), {
  extraApiRoutes: async (api) => {
    api.get('/bench/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name, at: 'lab' }));
  },
});
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.send?.('ready');
