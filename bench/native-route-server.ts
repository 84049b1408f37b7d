/**
 * The sandbox's baseline: the same JSON route a learner writes in the sandbox, written natively in
 * Fastify with no plugins. Usage: tsx bench/native-route-server.ts <port>
 */
import Fastify from 'fastify';

const app = Fastify();
app.get('/hello/:name', async (request) => ({ hello: (request.params as { name: string }).name, at: 'native' }));
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
process.send?.('ready');
