/**
 * The response assertions Postman adds to chai (chai-postman): pm.response.to.have.status(200),
 * .to.be.ok, .to.have.jsonBody('data[0].id')… Installed once on chai's shared Assertion; `ok`
 * already exists in chai, so for anything that is not a response it keeps chai's meaning.
 */
import * as chai from 'chai';
import { RESPONSE } from './pm-marker.ts';
import type { ScriptResponse } from './types.ts';

type Assertion = Chai.AssertionStatic extends never ? never : any;

function subject(assertion: Assertion): ScriptResponse {
  const object = chai.util.flag(assertion, 'object') as { [RESPONSE]?: ScriptResponse } | undefined;
  const response = object?.[RESPONSE];
  if (!response) throw new chai.AssertionError('expected a response (pm.response or a pm.sendRequest response)');
  return response;
}

const isResponse = (assertion: Assertion) => Boolean((chai.util.flag(assertion, 'object') as Record<symbol, unknown> | undefined)?.[RESPONSE]);

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** lodash-style paths as Postman takes them: `data[0].title`, `user.name`. */
function atPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const keys = path.replace(/\[(\w+)\]/g, '.$1').split('.').filter(Boolean);
  let current: unknown = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return { found: false };
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

/** Status classes and named codes, each an assertion property like chai-postman's. */
const STATUS_PROPERTIES: Record<string, [string, (code: number) => boolean]> = {
  info: ['an informational (1xx) status', (c) => c >= 100 && c < 200],
  success: ['a success (2xx) status', (c) => c >= 200 && c < 300],
  redirection: ['a redirection (3xx) status', (c) => c >= 300 && c < 400],
  clientError: ['a client error (4xx) status', (c) => c >= 400 && c < 500],
  serverError: ['a server error (5xx) status', (c) => c >= 500 && c < 600],
  error: ['an error (4xx or 5xx) status', (c) => c >= 400 && c < 600],
  accepted: ['status 202', (c) => c === 202],
  badRequest: ['status 400', (c) => c === 400],
  unauthorized: ['status 401', (c) => c === 401],
  forbidden: ['status 403', (c) => c === 403],
  notFound: ['status 404', (c) => c === 404],
  rateLimited: ['status 429', (c) => c === 429],
};

function plugin(api: typeof chai, utils: typeof chai.util) {
  const { Assertion } = api;

  for (const [name, [label, test]] of Object.entries(STATUS_PROPERTIES)) {
    Assertion.addProperty(name, function (this: Assertion) {
      const { code } = subject(this);
      this.assert(test(code), `expected response to have ${label} but got ${code}`, `expected response to not have ${label} but got ${code}`, undefined, code, false);
    });
  }

  Assertion.overwriteProperty('ok', (_super: (this: Assertion) => void) =>
    function (this: Assertion) {
      if (!isResponse(this)) return _super.call(this);
      const { code } = subject(this);
      this.assert(code === 200, `expected response code to be 200 but found ${code}`, 'expected response code to not be 200', 200, code);
    },
  );

  Assertion.addMethod('status', function (this: Assertion, expected: number | string) {
    const response = subject(this);
    if (typeof expected === 'number') {
      this.assert(response.code === expected, `expected response to have status code #{exp} but got #{act}`, 'expected response to not have status code #{act}', expected, response.code);
    } else {
      this.assert(response.status === expected, `expected response to have status reason #{exp} but got #{act}`, 'expected response to not have status reason #{act}', expected, response.status);
    }
  });

  Assertion.addMethod('header', function (this: Assertion, name: string, value?: string) {
    const response = subject(this);
    const found = response.headers.find((h) => h.key.toLowerCase() === String(name).toLowerCase());
    if (value === undefined) {
      this.assert(Boolean(found), `expected response to have header with key '${name}'`, `expected response to not have header with key '${name}'`, name, undefined, false);
      return;
    }
    this.assert(
      found?.value === String(value),
      `expected '${name}' response header to be #{exp} but got #{act}`,
      `expected '${name}' response header to not be #{act}`,
      String(value),
      found?.value,
    );
  });

  Assertion.addProperty('withBody', function (this: Assertion) {
    const { body } = subject(this);
    this.assert(body.length > 0, 'expected response to have content in body', 'expected response to not have content in body', undefined, body, false);
  });

  Assertion.addProperty('json', function (this: Assertion) {
    const response = subject(this);
    const type = response.headers.find((h) => h.key.toLowerCase() === 'content-type')?.value ?? '';
    const isJson = /[/+]json\b/i.test(type) && parseJson(response.body).ok;
    this.assert(isJson, `expected response to be json but got content type '${type}'`, 'expected response to not be json', undefined, type, false);
  });

  Assertion.addMethod('body', function (this: Assertion, expected?: unknown) {
    const { body } = subject(this);
    if (expected === undefined) {
      this.assert(body.length > 0, 'expected response to have content in body', 'expected response to not have content in body', undefined, body, false);
    } else if (expected instanceof RegExp) {
      this.assert(expected.test(body), 'expected response body text to match #{exp}', 'expected response body text to not match #{exp}', String(expected), body, false);
    } else if (typeof expected === 'string') {
      this.assert(body === expected, 'expected response body to equal #{exp} but got #{act}', 'expected response body to not equal #{act}', expected, body);
    } else {
      const parsed = parseJson(body);
      const equal = parsed.ok && utils.eql(parsed.value, expected);
      this.assert(equal, 'expected response body json to equal #{exp} but got #{act}', 'expected response body json to not equal #{exp}', expected, parsed.ok ? parsed.value : body);
    }
  });

  Assertion.addMethod('jsonBody', function (this: Assertion, ...args: unknown[]) {
    const parsed = parseJson(subject(this).body);
    if (args.length === 0) {
      this.assert(parsed.ok, 'expected response body to be a valid json', 'expected response body to not be a valid json', undefined, undefined, false);
      return;
    }
    if (!parsed.ok) throw new api.AssertionError('expected response body to be a valid json');
    if (typeof args[0] !== 'string') {
      this.assert(utils.eql(parsed.value, args[0]), 'expected response body json to equal #{exp} but got #{act}', 'expected response body json to not equal #{exp}', args[0], parsed.value);
      return;
    }
    const path = args[0];
    const at = atPath(parsed.value, path);
    if (args.length === 1) {
      this.assert(at.found, `expected #{act} in response to contain property '${path}'`, `expected #{act} in response to not contain property '${path}'`, path, parsed.value, false);
      return;
    }
    this.assert(
      at.found && utils.eql(at.value, args[1]),
      `expected response body json at '${path}' to contain #{exp} but got #{act}`,
      `expected response body json at '${path}' to not contain #{exp}`,
      args[1],
      at.value,
    );
  });
}

chai.use(plugin as unknown as Parameters<typeof chai.use>[0]);
