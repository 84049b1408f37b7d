import type { FastifyRequest } from 'fastify';

/**
 * The steps other parts of the server report (rate limits, auth, authorization, validation,
 * errors), each with the plain-language `explanation` a learner reads in the Journey tab.
 */

export function ago(seconds: number) {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} seconds ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} minutes ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} hours ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

const bucketName = (groupId: string | undefined) => (groupId === 'auth' ? 'sign-in requests' : groupId === 'new-workspace' ? 'new workspaces' : 'requests');

function rateLimitGroup(request: FastifyRequest) {
  const phase = request.trace?.phase;
  const route = phase ? (phase.route ??= request.routeOptions) : request.routeOptions;
  const config = route.config as { rateLimit?: { groupId?: string } | false } | undefined;
  return config?.rateLimit ? config.rateLimit.groupId : undefined;
}

const rateLimitName = (d: Record<string, unknown>) => {
  const group = d.bucket === 'global' ? undefined : String(d.bucket);
  return `${String(d.limit)} ${bucketName(group)} per ${group === 'new-workspace' ? 'hour' : 'minute'}: ${String(d.remaining)} left`;
};

/** @fastify/rate-limit's onExceeding: the request is within its limit. */
export function recordRateLimitAllowed(request: FastifyRequest, key: string) {
  const trace = request.trace;
  if (!trace) return;
  // The plugin has just set its headers; the callback is given nothing else.
  const reply = trace.phase.reply;
  const limit = Number(reply?.getHeader('ratelimit-limit'));
  const remaining = Number(reply?.getHeader('ratelimit-remaining'));
  const resetSeconds = Number(reply?.getHeader('ratelimit-reset'));
  const group = rateLimitGroup(request);
  trace.since('rate-limit', rateLimitName, 'allowed', {
    bucket: group ?? 'global',
    client: group && key.endsWith(group) ? key.slice(0, -group.length) : key,
    limit,
    remaining,
    resetSeconds,
  });
}

/** From the 429 response builder. */
export function recordRateLimitDenied(request: FastifyRequest, context: { max: number; ttl: number }) {
  const trace = request.trace;
  if (!trace) return;
  const group = rateLimitGroup(request);
  const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
  const per = group === 'new-workspace' ? 'hour' : 'minute';
  trace.since('rate-limit', `over the limit of ${context.max} ${bucketName(group)} per ${per}`, 'denied', {
    bucket: group ?? 'global',
    limit: context.max,
    remaining: 0,
    resetSeconds: seconds,
    explanation: `429: ${context.max} ${bucketName(group)} per ${per} are allowed from you, and you used them all; try again in ${seconds} s.`,
  });
}

export function recordAuthorize(request: FastifyRequest, rule: string, allowed: boolean, reason: string) {
  request.trace?.since('authorize', rule, allowed ? 'allowed' : 'denied', allowed ? { rule, reason } : { rule, reason, explanation: `403: ${reason}` });
}

/** Errors a validate step keeps: a body of 20,000 unknown fields made a 1.5 MB trace. */
const KEPT_ERRORS = 20;

/** `total`: how many there were, when `errors` is already the first of them. */
export function recordValidationFailure(request: FastifyRequest, errors: { path: string; message: string }[], total = errors.length) {
  const trace = request.trace;
  if (!trace) return;
  const first = errors[0];
  const more = total > 1 ? ` (and ${total - 1} more)` : '';
  const detail: Record<string, unknown> = {
    // Field names are the client's words: a token sent as a key is redacted like any other.
    errors: trace.redactor.value(errors.slice(0, KEPT_ERRORS)),
    explanation: first ? `400: ${trace.redactor.text(`${first.path || 'the request'} ${first.message}`)}${more}. Nothing was changed.` : '400: the request is not valid.',
  };
  if (total > KEPT_ERRORS) detail.notShown = total - KEPT_ERRORS;
  trace.since('validate', `${total} invalid field${total === 1 ? '' : 's'}`, 'denied', detail);
}

export function recordParseFailure(request: FastifyRequest, status: number, detail: string) {
  request.trace?.since('parse', `the body could not be read (${status})`, 'denied', {
    contentType: request.headers['content-type'] ?? null,
    bytes: Number(request.headers['content-length'] ?? 0),
    explanation: `${status}: ${detail}`,
  });
}

export function recordError(request: FastifyRequest, error: unknown) {
  const trace = request.trace;
  if (!trace) return;
  const e = error instanceof Error ? error : new Error(String(error));
  const message = trace.redactor.text(e.message);
  trace.since('error', `${e.name}: ${message}`.slice(0, 200), 'error', {
    name: e.name,
    message: trace.redactor.keep(message, 2000),
    explanation: '500: the server failed while handling this request. The client got a clean problem+json; the error and its stack went to the server log.',
  });
}

/**
 * For routes whose queries are scoped to the caller (orders, messages, settings): another user's
 * row is never found, so the rule allows the request and the queries do the rest.
 */
export function ownerOnly(what: string) {
  return async (request: FastifyRequest) => {
    recordAuthorize(request, 'owner only', true, `every query is limited to user ${request.user.id}'s ${what}; someone else's are answered 404, as if missing`);
  };
}
