import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { recordError, recordParseFailure, recordValidationFailure } from './trace/steps.ts';

/** One entry of a validation problem's `errors` list. */
export interface FieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, as every error response of the API is shaped. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
const TYPE_BASE = '/problems/';

/**
 * Thrown by handlers and hooks to answer with a problem. The error handler turns it into
 * problem+json, so a route never hand-writes an error body.
 */
export class HttpProblem extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly statusCode: number,
    readonly detail: string,
    readonly options: {
      type?: string;
      title?: string;
      errors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, detail, { type: errors ? 'validation' : 'bad-request', title: errors ? 'Invalid input' : undefined, errors });
export const notFound = (what: string) => new HttpProblem(404, `${what} was not found.`, { type: 'not-found' });
export const conflict = (detail: string) => new HttpProblem(409, detail, { type: 'conflict' });
export const forbidden = (detail: string) => new HttpProblem(403, detail, { type: 'forbidden' });
export const unprocessable = (detail: string, errors: FieldError[]) =>
  new HttpProblem(422, detail, { type: 'unprocessable', errors });

export function problemBody(status: number, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody {
  const title = extra.title ?? STATUS_CODES[status] ?? 'Error';
  const type = TYPE_BASE + (extra.type ?? slug(title));
  return { ...extra, type, title, status, detail };
}

export function sendProblem(reply: FastifyReply, status: number, detail: string, extra: Partial<ProblemBody> = {}) {
  const trace = reply.request.trace;
  // The detail may quote the client's URL, and a URL can carry a token.
  if (trace) trace.problem = { status, detail: trace.redactor.text(detail) };
  return reply
    .code(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(problemBody(status, detail, { instance: reply.request.url.split('?')[0], ...extra }));
}

function slug(text: string) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/(^-|-$)/g, '');
}

/**
 * Errors Fastify meets before routing (a malformed percent-encoding, a path parameter over the
 * router's length limit) go through `frameworkErrors`, so they are problems like every other.
 */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return sendProblem(reply, 414, 'A part of the URL path is longer than the 200 characters this API accepts.', { type: 'uri-too-long' });
  }
  if (error.code === 'FST_ERR_BAD_URL') return sendProblem(reply, 400, 'The URL is not valid: check its percent-encoding (%XX).', { type: 'bad-url' });
  reply.log.error({ err: error }, 'router error');
  return sendProblem(reply, 500, 'The server could not route this request.', { type: 'internal' });
}

/** Fastify's own client errors (bad JSON, wrong content type, too large …) and what we tell the caller. */
const FRAMEWORK_ERRORS: Record<string, { type: string; detail: (err: FastifyError) => string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    type: 'malformed-json',
    detail: (err) => `The request body is not valid JSON: ${err.message.replace(/^Body is not valid JSON but content-type is set to 'application\/json'/, 'check quotes, commas and brackets')}`,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    type: 'malformed-json',
    detail: () => "The request says its body is JSON (Content-Type: application/json) but the body is empty.",
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    type: 'unsupported-media-type',
    detail: () => 'This endpoint accepts JSON only: send the body with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    type: 'bad-request',
    detail: () => 'The Content-Length header does not match the body that was sent.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    type: 'payload-too-large',
    detail: () => 'The request body is larger than the 1 MiB this API accepts.',
  },
  FST_ERR_CTP_INVALID_TYPE: {
    type: 'bad-request',
    detail: () => 'The Content-Type header is not valid.',
  },
};

/** The most `errors` a validation problem lists. */
export const MAX_FIELD_ERRORS = 50;

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns schema-validation failures into `{path, message}` that a learner can act on. */
export function validationErrors(context: string | undefined, errors: AjvError[]): FieldError[] {
  const prefix = context === 'querystring' ? 'query' : context === 'params' ? 'params' : context === 'headers' ? 'headers' : '';
  const seen = new Set<string>();
  const out: FieldError[] = [];
  // A union of literals (TypeBox's way to spell an enum) fails as one `const` error per choice and
  // an `anyOf`; the learner needs the list of choices instead.
  const choices = new Map<string, unknown[]>();
  for (const error of errors) {
    if (error.keyword === 'const') choices.set(error.instancePath, [...(choices.get(error.instancePath) ?? []), error.params.allowedValue]);
  }
  for (const error of errors) {
    if (error.keyword === 'const' && choices.has(error.instancePath)) continue;
    const allowed = error.keyword === 'anyOf' ? choices.get(error.instancePath) : undefined;
    const field = allowed ? { path: error.instancePath.split('/').slice(1).map(unescapePointer).join('.'), message: `must be one of: ${allowed.join(', ')}` } : fieldError(error);
    const pathParts = [prefix, field.path].filter(Boolean);
    const entry = { path: pathParts.join('.') || 'body', message: field.message };
    const key = `${entry.path}\u0000${entry.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(entry);
    }
  }
  return out;
}

function fieldError(error: AjvError): FieldError {
  const base = error.instancePath.split('/').slice(1).map(unescapePointer);
  const p = error.params;
  switch (error.keyword) {
    case 'required':
      return { path: [...base, String(p.missingProperty)].join('.'), message: 'is required' };
    case 'additionalProperties':
      return { path: [...base, String(p.additionalProperty)].join('.'), message: 'is not an allowed field' };
    case 'minLength':
      return { path: base.join('.'), message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters` };
    case 'maxLength':
      return { path: base.join('.'), message: `must be at most ${String(p.limit)} characters` };
    case 'format':
      return { path: base.join('.'), message: p.format === 'email' ? 'must be a valid email address' : `must be a valid ${String(p.format)}` };
    case 'enum':
      return { path: base.join('.'), message: `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'type':
      return { path: base.join('.'), message: `must be ${article(String(p.type))}` };
    default:
      return { path: base.join('.'), message: error.message ?? 'is not valid' };
  }
}

function article(type: string) {
  const name = type.replace(/,/g, ' or ');
  return /^[aeiou]/.test(name) ? `an ${name}` : `a ${name}`;
}

function unescapePointer(segment: string) {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * The single place an error becomes a response. Client mistakes get a specific problem; anything
 * unexpected is logged with its stack and answered with a plain 500 that reveals nothing.
 */
export function handleError(error: FastifyError | HttpProblem, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpProblem) {
    // A handler's own checks (a deploy's code errors, say) are validation too, for the journey.
    if (error.statusCode === 400 && error.options.errors?.length) recordValidationFailure(request, error.options.errors);
    reply.headers(error.headers);
    return sendProblem(reply, error.statusCode, error.detail, {
      type: error.options.type,
      title: error.options.title,
      errors: error.options.errors,
      ...error.options.extensions,
    });
  }
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fastifyError.validation) {
    const all = validationErrors(fastifyError.validationContext, fastifyError.validation);
    // A body of many thousand bad fields must not get a larger answer than it was.
    const errors = all.slice(0, MAX_FIELD_ERRORS);
    recordValidationFailure(request, errors, all.length);
    const detail = all.length > errors.length ? `The request has ${all.length} invalid fields; errors lists the first ${errors.length}.` : 'The request has invalid fields; see errors for each one.';
    return sendProblem(reply, 400, detail, { type: 'validation', title: 'Invalid input', errors });
  }
  const known = fastifyError.code ? FRAMEWORK_ERRORS[fastifyError.code] : undefined;
  if (known) {
    const status = fastifyError.statusCode ?? 400;
    const detail = known.detail(fastifyError);
    recordParseFailure(request, status, detail);
    return sendProblem(reply, status, detail, { type: known.type });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Other framework client errors describe the client's mistake: safe to pass on.
    return sendProblem(reply, status, fastifyError.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  recordError(request, error);
  return sendProblem(reply, 500, 'Something went wrong on the server. It has been logged; try again later.', {
    type: 'internal',
    requestId: request.id,
  });
}
