import { find } from 'mingo';
import { describe, expect, it } from 'vitest';
import { reviveFilter } from './filters.ts';

const docs = [{ email: 'ann@gmail.com', tags: ['a'] }, { email: 'bob@yahoo.com', tags: ['b'] }, { email: 'CID@GMAIL.COM', tags: ['c'] }];
const emails = (filter: unknown) => find(docs, reviveFilter(filter) as Record<string, unknown>).all().map((d) => (d as { email: string }).email);

describe('reviveFilter', () => {
  it('turns the RegExps learner code sent back into RegExps, wherever mingo takes one', () => {
    expect(emails({ email: { $labRegExp: ['@gmail\\.com$', ''] } })).toEqual(['ann@gmail.com']);
    expect(emails({ email: { $regex: { $labRegExp: ['gmail', 'i'] } } })).toEqual(['ann@gmail.com', 'CID@GMAIL.COM']);
    expect(emails({ email: { $in: [{ $labRegExp: ['^bob', ''] }, 'ann@gmail.com'] } })).toEqual(['ann@gmail.com', 'bob@yahoo.com']);
    expect(emails({ email: { $regex: 'yahoo' } })).toEqual(['bob@yahoo.com']);
  });

  it('refuses patterns that can take exponential time, and says why', () => {
    expect(() => reviveFilter({ s: { $labRegExp: ['^(a+)+$', ''] } })).toThrow(/exponential time .*\(a\+\)\+/);
    expect(() => reviveFilter({ s: { $regex: '(x+x+)+y' } })).toThrow(/exponential time/);
    expect(() => reviveFilter({ s: { $labRegExp: ['(', ''] } })).toThrow(/Invalid regular expression/);
  });

  it('leaves other values as they are', () => {
    expect(reviveFilter({ a: 1, b: [1, 'x', null], c: { $gt: 2 } })).toEqual({ a: 1, b: [1, 'x', null], c: { $gt: 2 } });
  });
});
