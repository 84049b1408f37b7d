import { describe, expect, it } from 'vitest';
import { paramsFromUrl, queryTable, storedParams, urlWithParams } from './params.ts';

const on = (key: string, value: string) => ({ key, value, enabled: true });
const off = (key: string, value: string) => ({ key, value, enabled: false });

describe('the query table and the URL', () => {
  it('reads parameters, decoding them, and leaves {{variables}} alone', () => {
    expect(paramsFromUrl('{{base}}/api/courses?q=a+b&limit={{limit}}&flag')).toEqual([on('q', 'a b'), on('limit', '{{limit}}'), on('flag', '')]);
  });

  it('keeps the #fragment when the table is edited, and does not read a "?" inside it', () => {
    expect(urlWithParams('/docs?a=1#part', [on('a', '2'), on('b', 'x y')])).toBe('/docs?a=2&b=x%20y#part');
    expect(urlWithParams('/docs#part', [on('a', '1')])).toBe('/docs?a=1#part');
    expect(paramsFromUrl('/docs#not?a=query')).toEqual([]);
  });

  it('leaves a disabled row out of the URL but keeps it in the table, in its place', () => {
    const table = [on('page', '1'), off('debug', 'true'), on('limit', '5')];
    const url = urlWithParams('/api/courses', table);
    expect(url).toBe('/api/courses?page=1&limit=5');
    expect(queryTable(url, storedParams(table))).toEqual(table);
  });

  it('takes enabled rows from the URL when it was typed after the table was edited', () => {
    const stored = [on('page', '1'), off('debug', 'true'), on('limit', '5')];
    expect(queryTable('/api/courses?page=2&limit=5&sort=title', stored)).toEqual([on('page', '2'), off('debug', 'true'), on('limit', '5'), on('sort', 'title')]);
    expect(queryTable('/api/courses', stored)).toEqual([off('debug', 'true')]);
  });

  it('stores nothing when every row is enabled: the URL says it all', () => {
    expect(storedParams([on('a', '1')])).toBeUndefined();
    expect(queryTable('/x?a=1', undefined)).toEqual([on('a', '1')]);
  });
});
