import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../src/scripting/engine.ts';
import { emptyScopes } from '../../src/scripting/types.ts';
import { replaceVariables } from '../../src/scripting/variables.ts';
import { DEFAULT_LESSONS_DIR, lessonLibrary, lessonMinutes, lessonTitle } from '../../src/server/api/lessons/library.ts';
import { testDialects } from '../helpers/databases.ts';
import { isProblem, registerUser, startTestServer, type TestServer, uniqueEmail } from '../helpers/server.ts';

const LESSON_FILES = fs.readdirSync(DEFAULT_LESSONS_DIR).filter((name) => /^[a-z0-9-]+\.md$/.test(name)).sort();
const EXPECTED = [
  { slug: '01-how-a-request-travels', title: 'How a request travels' },
  { slug: '02-http-and-rest', title: 'HTTP and REST' },
  { slug: '03-authentication', title: 'Authentication' },
  { slug: '04-security-in-practice', title: 'Security in practice' },
  { slug: '05-data-and-databases', title: 'Data and databases' },
  { slug: '06-inside-the-backend', title: 'What happens inside the backend' },
  { slug: '07-indexes-and-explain', title: 'Indexes and EXPLAIN' },
];

// ---------------------------------------------------------------------------------------------
// Lesson blocks, read the way the lab page reads them (src/web/components/Lessons.tsx): marked's
// top-level tokens; a ```tests block belongs to the ```http block right before it.

const RUNNABLE = ['http', 'tests', 'js'];
const FENCES = [...RUNNABLE, 'json', 'sql', 'text'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

interface HttpBlock {
  method: string;
  url: string;
  headers: { key: string; value: string }[];
  body: string;
  tests: string;
  inExercise: boolean;
}

/** The request a ```http block describes, as src/web/http/lesson-blocks.ts builds it. */
function parseHttpBlock(text: string): Omit<HttpBlock, 'tests' | 'inExercise'> {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const [method = '', ...rest] = (lines.shift() ?? '').trim().split(/\s+/);
  const headers: { key: string; value: string }[] = [];
  while (lines.length > 0 && lines[0]!.trim() !== '') {
    const line = lines.shift()!;
    const colon = line.indexOf(':');
    headers.push({ key: colon > 0 ? line.slice(0, colon).trim() : line, value: colon > 0 ? line.slice(colon + 1).trim() : '' });
  }
  return { method, url: rest.join(' '), headers, body: lines.join('\n').trim() };
}

function readLesson(file: string) {
  const markdown = fs.readFileSync(path.join(DEFAULT_LESSONS_DIR, file), 'utf8');
  const tokens = new Lexer().lex(markdown);
  const code = tokens.filter((t): t is Tokens.Code => t.type === 'code');
  const exerciseAt = tokens.findIndex((t) => t.type === 'heading' && t.depth === 2 && t.text === 'Exercise');
  const blocks: HttpBlock[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'code' || token.lang !== 'http') return;
    const next = tokens.slice(index + 1).find((t) => t.type === 'code');
    const tests = next?.type === 'code' && next.lang === 'tests' ? (next as Tokens.Code).text : '';
    blocks.push({ ...parseHttpBlock(token.text), tests, inExercise: exerciseAt >= 0 && index > exerciseAt });
  });
  return { markdown, tokens, code, exerciseAt, blocks };
}

/** Every code token, also those nested in lists or quotes (where the lab would not make them runnable). */
function allCode(tokens: Token[]): { token: Tokens.Code; topLevel: boolean }[] {
  const out: { token: Tokens.Code; topLevel: boolean }[] = [];
  const walk = (list: Token[], topLevel: boolean) => {
    for (const token of list) {
      if (token.type === 'code') out.push({ token: token as Tokens.Code, topLevel });
      const children = [...((token as { tokens?: Token[] }).tokens ?? []), ...((token as { items?: Token[] }).items ?? [])];
      if (children.length > 0) walk(children, false);
    }
  };
  walk(tokens, true);
  return out;
}

/** A header list and body from a block, with {{variables}} replaced by `replace`. */
function requestFrom(block: HttpBlock, replace: (text: string) => string) {
  const headers = new Headers();
  for (const h of block.headers) headers.append(replace(h.key), replace(h.value));
  const body = block.body === '' ? undefined : replace(block.body);
  if (body !== undefined && /^[[{]/.test(body) && !headers.has('content-type')) headers.set('content-type', 'application/json');
  return { method: block.method, path: replace(block.url), headers, body };
}

// ---------------------------------------------------------------------------------------------

describe('lessons', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => server?.close());

  describe('GET /api/lessons', () => {
    it('lists every lesson in file order with its title and minutes', async () => {
      const res = await server.request('GET', '/api/lessons');
      expect(res.status).toBe(200);
      expect(res.body.data.map(({ slug, title }: { slug: string; title: string }) => ({ slug, title }))).toEqual(EXPECTED);
      expect(res.body.data.map((l: { slug: string }) => `${l.slug}.md`)).toEqual(LESSON_FILES);
      for (const lesson of res.body.data) {
        expect(Object.keys(lesson).sort()).toEqual(['minutes', 'slug', 'title']);
        expect(Number.isInteger(lesson.minutes)).toBe(true);
        expect(lesson.minutes).toBeGreaterThanOrEqual(5);
        expect(lesson.minutes).toBeLessThanOrEqual(10);
      }
    });

    it('is public and documented in the OpenAPI document', async () => {
      const doc = await server.request('GET', '/api/openapi.json');
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/lessons', '/api/lessons/{slug}']));
      expect(doc.body.paths['/api/lessons/{slug}'].get.responses).toHaveProperty('404');
    });
  });

  describe('GET /api/lessons/:slug', () => {
    it('answers one lesson with its Markdown as it is on disk', async () => {
      const res = await server.request('GET', '/api/lessons/03-authentication');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        slug: '03-authentication',
        title: 'Authentication',
        minutes: lessonMinutes(fs.readFileSync(path.join(DEFAULT_LESSONS_DIR, '03-authentication.md'), 'utf8')),
        markdown: fs.readFileSync(path.join(DEFAULT_LESSONS_DIR, '03-authentication.md'), 'utf8'),
      });
    });

    it('an unknown slug is a 404 problem', async () => {
      const res = await server.request('GET', '/api/lessons/99-not-a-lesson');
      expect(isProblem(res, 404)).toBe(true);
      expect(res.body).toMatchObject({ type: '/problems/not-found', detail: 'Lesson was not found.', instance: '/api/lessons/99-not-a-lesson' });
    });

    it.each([
      '..%2Fpackage.json',
      '..%2F..%2Fpackage.json',
      '%2E%2E%2Fpackage.json',
      '..%5Cpackage.json',
      '%2Fetc%2Fpasswd',
      '01-how-a-request-travels.md',
      '01-how-a-request-travels%00',
      'README',
      'a'.repeat(101),
    ])('a slug that is not [a-z0-9-]{1,100} is a 400 validation problem: %s', async (slug) => {
      const res = await server.request('GET', `/api/lessons/${slug}`);
      expect(isProblem(res, 400)).toBe(true);
      expect(res.body.type).toBe('/problems/validation');
      expect(res.body.errors).toEqual([{ path: 'params.slug', message: 'must match pattern "^[a-z0-9-]{1,100}$"' }]);
      expect(res.text).not.toContain('"dependencies"');
    });

    it('dot segments sent as they are never reach a file', async () => {
      // fetch (and a URL string) would resolve "..", so these go out byte for byte with node:http.
      const { hostname, port } = new URL(server.url);
      const raw = (urlPath: string) =>
        new Promise<{ status: number; text: string }>((resolve, reject) => {
          http
            .get({ hostname, port, path: urlPath }, (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
            })
            .on('error', reject);
        });
      for (const urlPath of ['/api/lessons/..', '/api/lessons/%2e%2e', '/api/lessons/%2E%2E']) {
        const dots = await raw(urlPath);
        expect(dots.status, urlPath).toBe(400);
        expect(dots.text, urlPath).toContain('params.slug');
      }
      for (const urlPath of ['/api/lessons/../../package.json', '/api/lessons/%2e%2e/%2e%2e/package.json', '/api/lessons/./01-how-a-request-travels']) {
        const res = await raw(urlPath);
        expect(res.status, urlPath).toBe(404);
        expect(res.text, urlPath).not.toContain('"dependencies"');
        expect(res.text, urlPath).not.toContain('# How a request travels');
      }
    });
  });

  describe('the lesson library', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lab-lessons-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('reads only lesson files, in name order, and sees an edited file at once', async () => {
      fs.writeFileSync(path.join(dir, '02-second.md'), '# Second\n\ntext');
      fs.writeFileSync(path.join(dir, '01-first.md'), '```http\n# not a title\n```\n\n# First #\n');
      fs.writeFileSync(path.join(dir, 'README.md'), '# Not a lesson');
      fs.writeFileSync(path.join(dir, 'notes.txt'), '# Not a lesson');
      fs.mkdirSync(path.join(dir, '03-folder.md'));
      const library = lessonLibrary(dir);
      expect((await library.list()).map((l) => [l.slug, l.title])).toEqual([
        ['01-first', 'First'],
        ['02-second', 'Second'],
      ]);
      expect(await library.get('readme')).toBeUndefined();
      expect(await library.get('03-folder')).toBeUndefined();

      fs.writeFileSync(path.join(dir, '02-second.md'), '# Second, edited\n\nmore text here');
      expect((await library.get('02-second'))?.title).toBe('Second, edited');
      fs.rmSync(path.join(dir, '02-second.md'));
      expect(await library.get('02-second')).toBeUndefined();
    });

    it('a missing folder has no lessons', async () => {
      expect(await lessonLibrary(path.join(dir, 'missing')).list()).toEqual([]);
    });

    it('titles and minutes', () => {
      expect(lessonTitle('No heading', 'slug')).toBe('slug');
      expect(lessonTitle('## Sub\n# Real title\n', 'slug')).toBe('Real title');
      expect(lessonTitle('~~~\n# fenced\n~~~\n# Out', 'slug')).toBe('Out');
      expect(lessonMinutes('short')).toBe(5);
      expect(lessonMinutes('word '.repeat(1500))).toBe(10);
    });
  });

  describe.each(LESSON_FILES)('lesson file %s', (file) => {
    const lesson = readLesson(file);

    it('has a title, fenced blocks the lab understands, and an Exercise with tests', () => {
      expect(lessonTitle(lesson.markdown, '')).not.toBe('');
      expect(lesson.tokens.find((t) => t.type === 'heading')).toMatchObject({ depth: 1 });
      for (const { token, topLevel } of allCode(lesson.tokens)) {
        expect(FENCES, `fence "${token.lang}" in ${file}`).toContain(token.lang);
        // Nested in a list, the page would show a runnable block as plain code.
        if (RUNNABLE.includes(token.lang ?? '')) expect(topLevel, `${token.lang} block must not be nested: ${token.text.slice(0, 40)}`).toBe(true);
      }
      expect(lesson.exerciseAt, 'a "## Exercise" section').toBeGreaterThan(0);
      const laterH2 = lesson.tokens.slice(lesson.exerciseAt + 1).some((t) => t.type === 'heading' && t.depth <= 2);
      expect(laterH2, 'the Exercise is the last section').toBe(false);
      const exercise = lesson.blocks.filter((b) => b.inExercise);
      expect(exercise.length).toBeGreaterThan(0);
      expect(exercise.every((b) => b.tests.includes('pm.test('))).toBe(true);
    });

    it('every ```tests block follows an ```http block', () => {
      lesson.code.forEach((token, index) => {
        if (token.lang === 'tests') expect(lesson.code[index - 1]?.lang, `tests block: ${token.text.slice(0, 60)}`).toBe('http');
      });
    });

    it('every ```http block has a method and a path, headers as Name: value, and JSON bodies', () => {
      expect(lesson.blocks.length).toBeGreaterThan(0);
      for (const block of lesson.blocks) {
        expect(METHODS).toContain(block.method);
        expect(block.url).toMatch(/^\/api\/[^\s]*$/);
        for (const header of block.headers) expect(header.key).toMatch(/^[A-Za-z-]+$/);
        if (block.body) {
          // {{variables}} stand for text or numbers; with them filled in the body is JSON.
          expect(() => JSON.parse(block.body.replace(/"?\{\{[^{}]+\}\}"?/g, '1'))).not.toThrow();
          expect(block.headers.some((h) => h.key.toLowerCase() === 'content-type' && h.value === 'application/json')).toBe(true);
        }
      }
    });

    it('every ```js and ```tests block is valid JavaScript', () => {
      const AsyncFunction = (async () => {}).constructor as new (...args: string[]) => unknown;
      for (const token of lesson.code.filter((t) => t.lang === 'js' || t.lang === 'tests')) {
        expect(() => new AsyncFunction(token.text), token.text.slice(0, 60)).not.toThrow();
      }
    });

    it('every ```http block reaches a route of the server', async () => {
      const user = await registerUser(server);
      const second = await registerUser(server);
      const uses = (name: string) => lesson.markdown.includes(`{{${name}}}`);
      // A journey to read: any traced request names one in X-Trace-Id.
      const traceId = uses('traceId') ? (await server.request('GET', '/api/courses?limit=1')).headers.get('x-trace-id') : null;
      const workspace = uses('workspaceId') ? (await server.request('POST', '/api/workspaces')).body : undefined;
      const values: Record<string, () => string> = {
        traceId: () => traceId ?? 'the server sent no X-Trace-Id',
        workspaceId: () => workspace.id,
        workspaceKey: () => workspace.key,
        $randomEmail: () => uniqueEmail('lesson'),
        email: () => user.email,
        token: () => user.accessToken,
        refreshToken: () => user.refreshToken,
        oldRefreshToken: () => second.refreshToken,
        courseId: () => '1',
      };
      const replace = (text: string) =>
        text.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => {
          const value = values[name];
          if (!value) throw new Error(`${file} uses {{${name}}}, which this test does not know`);
          return value();
        });
      for (const block of lesson.blocks) {
        const request = requestFrom(block, replace);
        const response = await fetch(server.url + request.path, { method: request.method, headers: request.headers, body: request.body });
        const text = await response.text();
        expect(text, `${block.method} ${block.url}`).not.toContain('/problems/no-route');
        expect(response.status, `${block.method} ${block.url}: ${text}`).toBeLessThan(500);
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  // The lessons as a learner does them: each request sent in order, its ```tests block run by the
  // lab's script engine, variables carried from one request to the next. On both databases: a lab
  // may run on either, and a lesson must work on the one it has.

  describe.each(testDialects())('lessons run end to end with the script engine (%s)', (dialect) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(dialect);
    });
    afterAll(async () => server?.close());

    async function play(blocks: HttpBlock[]) {
      let scopes = emptyScopes();
      const results: string[] = [];
      let index = 0;
      for (const block of blocks) {
        index += 1;
        const request = requestFrom(block, (text) => replaceVariables(text, scopes));
        const started = performance.now();
        const response = await fetch(server.url + request.path, { method: request.method, headers: request.headers, body: request.body });
        const body = await response.text();
        const headers: { key: string; value: string }[] = [];
        response.headers.forEach((value, key) => headers.push({ key, value }));
        if (!block.tests) continue;
        const output = await runScript({
          kind: 'test',
          code: block.tests,
          request: {
            method: request.method,
            url: server.url + request.path,
            headers: [...request.headers].map(([key, value]) => ({ key, value })),
            body: request.body === undefined ? { mode: 'none' } : { mode: 'json', raw: request.body },
          },
          response: { code: response.status, status: response.statusText, headers, body, responseTime: Math.round(performance.now() - started), size: Buffer.byteLength(body) },
          scopes,
          info: { requestName: `${block.method} ${block.url}`, requestId: String(index), iteration: 0 },
          sendRequest: () => Promise.reject(new Error('lessons do not use pm.sendRequest')),
          console: () => {},
        });
        scopes = output.scopes;
        if (output.error) results.push(`${block.method} ${block.url}: script error ${output.error.name}: ${output.error.message}`);
        for (const test of output.tests) {
          results.push(`${block.method} ${block.url}: ${test.passed && !test.skipped ? 'pass' : 'FAIL'} ${test.name}${test.error ? ` (${test.error.message}; got ${response.status} ${body.slice(0, 200)})` : ''}`);
        }
      }
      return results;
    }

    it.each(LESSON_FILES)('%s: every request of the lesson, in order, passes its tests', async (file) => {
      const results = await play(readLesson(file).blocks);
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((line) => !/: pass /.test(line))).toEqual([]);
    });

    it.each(LESSON_FILES)('%s: the Exercise alone, from an empty environment, passes', async (file) => {
      const results = await play(readLesson(file).blocks.filter((b) => b.inExercise));
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((line) => !/: pass /.test(line))).toEqual([]);
    });

    it('a wrong answer fails: the lesson 3 check of /api/me without the token', async () => {
      const exercise = readLesson('03-authentication.md').blocks.filter((b) => b.inExercise);
      const withoutToken = exercise.map((b) => (b.url === '/api/me' ? { ...b, headers: [] } : b));
      const results = await play(withoutToken);
      expect(results.some((line) => line.includes('FAIL status is 200'))).toBe(true);
    });
  });
});
