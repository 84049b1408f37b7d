import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { badRequest, type FieldError } from './errors.ts';

/**
 * The API's only body parser. Beyond Fastify's own (prototype-poisoning keys refused), it refuses
 * text no database should be handed: U+0000, which PostgreSQL cannot store, and lone UTF-16
 * surrogates, which are not Unicode at all. Checked once here, so no route can forget it.
 */
export function useJsonBodies(app: FastifyInstance) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') {
      done(Object.assign(new Error('empty body'), { code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 }), undefined);
      return;
    }
    let body: unknown;
    try {
      body = sjson.parse(text as string, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      const message = (error as Error).message;
      const poisoned = /prototype|constructor/i.test(message);
      done(
        poisoned
          ? badRequest('The request body contains a forbidden key (__proto__ or constructor.prototype).')
          : Object.assign(new Error(message), { code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }),
        undefined,
      );
      return;
    }
    const problems: FieldError[] = [];
    findUnstorableText(body, [], problems);
    if (problems.length > 0) {
      done(badRequest('The request has text that cannot be stored; see errors for each field.', problems.slice(0, 20)), undefined);
      return;
    }
    done(null, body);
  });
}

function findUnstorableText(value: unknown, path: string[], out: FieldError[]) {
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) out.push({ path: path.join('.') || 'body', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findUnstorableText(item, [...path, String(i)], out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) out.push({ path: [...path, '(key)'].join('.'), message: `field name ${keyProblem}` });
      findUnstorableText(item, [...path, key], out);
    }
  }
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!text.isWellFormed()) return 'must be valid Unicode (it has a lone surrogate such as \\ud800)';
  return undefined;
}
