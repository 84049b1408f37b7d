import { describe, expect, it } from 'vitest';
import type { Trace, TraceStep } from '../../server/trace/types.ts';
import { barGeometry, formatAgo, formatMs, journeySummary, refusingStep, stepExplanation, timelineSpan, tokenizeSql } from './journey.ts';

const step = (kind: TraceStep['kind'], outcome: TraceStep['outcome'], detail: Record<string, unknown> = {}, startMs = 0, durationMs = 1): TraceStep => ({
  kind,
  name: kind,
  startMs,
  durationMs,
  outcome,
  detail,
});

const trace = (status: number, steps: TraceStep[], durationMs = 5): Trace => ({
  id: 'a'.repeat(32),
  traceId: 'b'.repeat(32),
  method: 'GET',
  path: '/api/me',
  status,
  durationMs,
  startedAt: new Date(0).toISOString(),
  steps,
});

describe('journey wording', () => {
  it('formats durations with one decimal under 10 ms', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(9.96)).toBe('10.0 ms');
    expect(formatMs(12.4)).toBe('12 ms');
    expect(formatMs(1250)).toBe('1.25 s');
    expect(formatMs(Number.NaN)).toBe('? ms');
  });

  it("a console.error line is not where the request failed, and is not explained twice", () => {
    const logged = step('console', 'error', { level: 'error', message: 'Error: boom\n    at handler (app.js:12)' });
    const failed = step('error', 'error', { name: 'Error', message: 'boom' });
    const t = trace(500, [step('receive', 'ok'), logged, failed, step('response', 'error')]);
    expect(refusingStep(t)).toBe(failed);
    expect(stepExplanation(logged)).toBeUndefined();
    expect(journeySummary(t)).toBe('500 — failed at error: Error: boom');
  });

  it('says how long ago in a unit a person uses', () => {
    expect(formatAgo(1)).toBe('1 second');
    expect(formatAgo(42)).toBe('42 seconds');
    expect(formatAgo(190)).toBe('3 minutes');
    expect(formatAgo(7300)).toBe('2 hours');
    expect(formatAgo(86_400 * 3)).toBe('3 days');
  });

  it("prefers the server's explanation", () => {
    expect(stepExplanation(step('auth', 'denied', { explanation: 'the token is signed with another key', expiredSecondsAgo: 5 }))).toBe('the token is signed with another key');
  });

  it('builds its own sentence from the detail when there is none', () => {
    expect(stepExplanation(step('auth', 'denied', { expiredSecondsAgo: 185 }))).toBe('the token expired 3 minutes ago — log in again or refresh it');
    expect(stepExplanation(step('rate-limit', 'denied', { bucket: 'auth', limit: 10, remaining: 0, resetSeconds: 42 }))).toBe('10 sign-in requests per minute from you; try again in 42 s');
    expect(stepExplanation(step('validate', 'denied', { errors: [{ path: 'params.id', message: 'must be an integer' }] }))).toBe('params.id must be an integer');
    expect(stepExplanation(step('authorize', 'denied', { rule: 'admin only' }))).toContain('admin only');
    expect(stepExplanation(step('error', 'error', { name: 'TypeError', message: 'x is undefined' }))).toBe('TypeError: x is undefined');
    expect(stepExplanation(step('auth', 'allowed', { userId: 3 }))).toBeUndefined();
  });

  it('summarises a refused request by its refusing step', () => {
    const t = trace(401, [step('receive', 'ok'), step('rate-limit', 'allowed'), step('auth', 'denied', { expiredSecondsAgo: 180 }), step('error', 'error', { name: 'HttpProblem', message: 'x' }), step('response', 'ok')]);
    expect(refusingStep(t)?.kind).toBe('auth');
    expect(journeySummary(t)).toBe('401 — refused at auth: the token expired 3 minutes ago — log in again or refresh it');
  });

  it('does not repeat the status the server put in front of its sentence', () => {
    const t = trace(403, [step('receive', 'ok'), step('authorize', 'denied', { rule: 'admin only', explanation: '403: only admins may do this' })]);
    expect(journeySummary(t)).toBe('403 — refused at authorize: only admins may do this');
  });

  it('summarises a good request by its time, steps and statements', () => {
    const t = trace(200, [step('receive', 'ok'), step('handler', 'ok'), step('sql', 'ok', { sql: 'select 1', params: [] }), step('response', 'ok')], 3.25);
    expect(refusingStep(t)).toBeUndefined();
    expect(journeySummary(t)).toBe('200 — GET /api/me took 3.3 ms: 4 steps, 1 SQL statement');
  });
});

describe('the time scale', () => {
  it('places bars in proportion to the whole request', () => {
    const t = trace(200, [step('receive', 'ok', {}, 0, 1), step('sql', 'ok', {}, 2, 6)], 10);
    expect(timelineSpan(t)).toBe(10);
    expect(barGeometry(t.steps[1]!, 10)).toEqual({ left: 20, width: 60 });
  });

  it('spans a step that ends after the response, and never leaves the track', () => {
    const late = step('sql', 'ok', {}, 8, 4);
    expect(timelineSpan(trace(200, [late], 10))).toBe(12);
    expect(barGeometry(step('x' as TraceStep['kind'], 'ok', {}, 15, 5), 10)).toEqual({ left: 100, width: 0 });
    expect(barGeometry(step('receive', 'ok', {}, 0, 0), 0)).toEqual({ left: 0, width: 0 });
  });
});

describe('tokenizeSql', () => {
  const kinds = (sql: string) => tokenizeSql(sql).filter((t) => t.type !== 'other').map((t) => `${t.type}:${t.text}`);

  it('tells keywords, quoted names, parameters, strings and numbers apart', () => {
    expect(kinds(`select * from "courses" where "status" = ? and price_cents > 100 limit $1 -- first page`)).toEqual([
      'keyword:select',
      'keyword:from',
      'identifier:"courses"',
      'keyword:where',
      'identifier:"status"',
      'param:?',
      'keyword:and',
      'number:100',
      'keyword:limit',
      'param:$1',
      'comment:-- first page',
    ]);
    expect(kinds(`insert into t (a) values ('it''s', 1.5e3) /* note */`)).toEqual(['keyword:insert', 'keyword:into', 'keyword:values', "string:'it''s'", 'number:1.5e3', 'comment:/* note */']);
  });

  it('loses no character', () => {
    const sql = `SELECT a::text, b - 1, "x""y" FROM t WHERE c = :name AND d = @e AND f = 'unterminated`;
    expect(tokenizeSql(sql).map((t) => t.text).join('')).toBe(sql);
    expect(kinds(sql)).toContain('keyword:text');
    expect(kinds(sql)).toContain('param::name');
  });
});
