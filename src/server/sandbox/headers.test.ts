import { describe, expect, it } from 'vitest';
import { learnerHeader, refusedDestination, scopeCookie, scopeLocation } from './headers.ts';

describe('what learner headers may say', () => {
  it('drops headers that act for the whole origin or weaken the sandbox', () => {
    for (const name of ['Content-Security-Policy', 'X-Frame-Options', 'Access-Control-Allow-Origin', 'access-control-allow-credentials', 'Clear-Site-Data', 'Strict-Transport-Security', 'Service-Worker-Allowed', 'NEL', 'X-Trace-Id']) {
      expect(learnerHeader(name, 'x', 'abc'), name).toBeUndefined();
    }
    expect(learnerHeader('Content-Type', 'text/html', 'abc')).toBe('text/html');
    expect(learnerHeader('WWW-Authenticate', 'Basic realm="lab"', 'abc')).toBe('Basic realm="lab"');
  });

  it('moves cookies under the workspace and drops their Domain', () => {
    const base = '/sandbox/abc';
    expect(scopeCookie('sid=1; Path=/; HttpOnly', base)).toBe('sid=1; HttpOnly; Path=/sandbox/abc');
    expect(scopeCookie('sid=1', base)).toBe('sid=1; Path=/sandbox/abc');
    expect(scopeCookie('sid=1; Path=/admin; Domain=example.test; SameSite=Lax', base)).toBe('sid=1; SameSite=Lax; Path=/sandbox/abc/admin');
    expect(scopeCookie('sid=1; Path=/sandbox/abc/x', base)).toBe('sid=1; Path=/sandbox/abc/x');
    // Another workspace's path, or a prefix of this one's id, is not inside.
    expect(scopeCookie('sid=1; Path=/sandbox/other', base)).toBe('sid=1; Path=/sandbox/abc/sandbox/other');
    expect(scopeCookie('sid=1; Path=/sandbox/abcd', base)).toBe('sid=1; Path=/sandbox/abc/sandbox/abcd');
    expect(learnerHeader('set-cookie', ['a=1; Path=/', 'b=2'], 'abc')).toEqual(['a=1; Path=/sandbox/abc', 'b=2; Path=/sandbox/abc']);
  });

  it('prefixes root-relative redirects and leaves the others alone', () => {
    const base = '/sandbox/abc';
    expect(scopeLocation('/login', base)).toBe('/sandbox/abc/login');
    expect(scopeLocation('/', base)).toBe('/sandbox/abc/');
    expect(scopeLocation('/?next=1', base)).toBe('/sandbox/abc/?next=1');
    expect(scopeLocation('/sandbox/abc/login', base)).toBe('/sandbox/abc/login');
    expect(scopeLocation('/sandbox/abc', base)).toBe('/sandbox/abc');
    expect(scopeLocation('/sandbox/abcd', base)).toBe('/sandbox/abc/sandbox/abcd');
    expect(scopeLocation('/api/courses', base)).toBe('/sandbox/abc/api/courses');
    for (const kept of ['login', '../x', 'https://example.test/x', '//example.test/x', '/\\example.test']) expect(scopeLocation(kept, base)).toBe(kept);
  });

  it('refuses same-origin loads as script, style or worker; allows fetch, navigation and other sites', () => {
    expect(refusedDestination({ 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'script' })).toBe('script');
    expect(refusedDestination({ 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'style' })).toBe('style');
    expect(refusedDestination({ 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'worker' })).toBe('worker');
    expect(refusedDestination({ 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'empty' })).toBeNull();
    expect(refusedDestination({ 'sec-fetch-site': 'same-origin', 'sec-fetch-dest': 'document' })).toBeNull();
    // A learner's own page is an opaque origin: its script loads are cross-site.
    expect(refusedDestination({ 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'script' })).toBeNull();
    expect(refusedDestination({})).toBeNull();
  });
});
