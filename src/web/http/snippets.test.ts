import { describe, expect, it } from 'vitest';
import type { LabRequest } from '../../scripting/model.ts';
import { resolveRequest } from '../../scripting/resolve.ts';
import { emptyScopes } from '../../scripting/types.ts';
import { plainRequest, toCurl, toFetch } from './snippets.ts';

const request = (overrides: Partial<LabRequest>): LabRequest => ({
  id: 'r',
  name: 'r',
  method: 'POST',
  url: '/api/courses',
  headers: [],
  body: { mode: 'none' },
  auth: { type: 'none' },
  scripts: { preRequest: '', tests: '' },
  ...overrides,
});
const scopes = { ...emptyScopes(), environment: { token: 'jwt' } };
const snippet = (overrides: Partial<LabRequest>) => plainRequest(resolveRequest(request(overrides), scopes, 'http://lab.test'));

describe('copy as curl / fetch', () => {
  it('has one Authorization header when one is typed by hand and Bearer is set too, as Send does', () => {
    const curl = toCurl(snippet({ headers: [{ key: 'Authorization', value: 'Bearer typed', enabled: true }], auth: { type: 'bearer', token: '{{token}}' } }));
    expect(curl.match(/Authorization/gi)).toHaveLength(1);
    expect(curl).toContain(`-H 'Authorization: Bearer typed'`);
  });

  it('leaves the body out of a GET, as Send does', () => {
    const curl = toCurl(snippet({ method: 'GET', body: { mode: 'json', raw: '{"a":1}' } }));
    expect(curl).toBe(`curl -X GET 'http://lab.test/api/courses'`);
  });

  it('keeps a POST body with its content type, quoted for the shell', () => {
    expect(toCurl(snippet({ body: { mode: 'json', raw: `{"it's":1}` } }))).toBe(`curl -X POST 'http://lab.test/api/courses' \\\n  -H 'Content-Type: application/json' \\\n  --data-raw '{"it'\\''s":1}'`);
  });

  it('form-data as --form-string (never a file read) and as FormData for fetch', () => {
    const plain = snippet({ body: { mode: 'formdata', fields: [{ key: 'title', value: '@/etc/passwd', enabled: true }] } });
    expect(toCurl(plain)).toBe(`curl -X POST 'http://lab.test/api/courses' \\\n  --form-string 'title=@/etc/passwd'`);
    const code = toFetch(plain);
    expect(code).toContain('form.append("title", "@/etc/passwd");');
    expect(code).toContain('body: form');
    expect(() => new Function('fetch', 'FormData', code)).not.toThrow();
  });
});
