import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { HttpProblem } from '../../errors.ts';
import { problems } from '../shared/schemas.ts';

const Step = Type.Object({
  kind: Type.String({ description: 'receive, rate-limit, parse, auth, authorize, validate, handler, sql, console, error, response' }),
  name: Type.String(),
  startMs: Type.Number({ description: 'Milliseconds since the request was received' }),
  durationMs: Type.Number(),
  outcome: Type.String({ description: 'ok, allowed, denied or error' }),
  detail: Type.Record(Type.String(), Type.Unknown(), { description: 'What the step saw, secrets redacted; denied steps carry an explanation' }),
});

const Trace = Type.Object({
  id: Type.String(),
  traceId: Type.String({ description: 'The W3C trace id (continued from a traceparent header, or new)' }),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  durationMs: Type.Number(),
  startedAt: Type.String({ format: 'date-time' }),
  steps: Type.Array(Step),
});

/**
 * A request's journey. The id (from the X-Trace-Id response header) is 128 random bits: knowing it
 * is what allows reading the trace, as with a capability URL, and its secrets are redacted.
 */
export const traceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/:id', {
    // Its own budget: reading journeys must not use up the one the lab's requests need.
    config: { rateLimit: { groupId: 'traces', max: app.config.rateLimit, timeWindow: 60_000 } },
    schema: {
      tags: ['traces'],
      summary: "A request's journey: every step the backend took, with timings",
      params: Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$', description: 'The X-Trace-Id of a response' }) }),
      response: { 200: Trace, ...problems(400, 404) },
    },
    handler: async (request) => {
      const trace = await app.traces.get(request.params.id);
      if (!trace) {
        throw new HttpProblem(404, `There is no trace ${request.params.id}: traces are kept for ${Math.round(app.config.traces.ttlMs / 60_000)} minutes (the newest ${app.config.traces.max}).`, { type: 'not-found' });
      }
      return trace;
    },
  });
};
